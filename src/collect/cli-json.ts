/**
 * SDK v3 output objects are the AWS CLI's JSON shape except that timestamps are Date objects
 * and responses carry `$metadata`. This copies one into what `aws ... --output json` prints:
 * Dates as ISO strings, no `$metadata`, no undefined members.
 */
export function toCliJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toCliJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === '$metadata') continue;
      out[k] = toCliJson(v);
    }
    return out;
  }
  return value;
}
