/**
 * Block-style YAML for the plain data of a fix policy (maps, lists, strings, numbers, booleans).
 * The `yaml` package's stringify costs ~0.5 ms per policy, which dominated batch evaluation;
 * this emitter covers only what fixes contain. Strings that YAML could read as anything but a
 * string are written JSON-quoted, which YAML reads back verbatim.
 */
export function toYaml(value: unknown): string {
  return emit(value, 0).join('\n') + '\n';
}

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[A-Za-z][A-Za-z0-9._\/-]*$/;

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (typeof v === 'object' && Object.keys(v as object).length === 0) return '{}';
  return undefined;
}

function emit(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const s = scalar(value);
  if (s !== undefined) return [pad + s];
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = emit(item, indent + 2);
      inner[0] = `${pad}- ${inner[0]!.slice(indent + 2)}`;
      lines.push(...inner);
    }
    return lines;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const key = scalar(k)!;
    const sv = scalar(v);
    if (sv !== undefined) lines.push(`${pad}${key}: ${sv}`);
    else {
      lines.push(`${pad}${key}:`);
      lines.push(...emit(v, Array.isArray(v) ? indent : indent + 2));
    }
  }
  return lines;
}
