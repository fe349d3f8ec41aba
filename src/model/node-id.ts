/** Node names as small ids, the same in every engine. */
const ids = new Map<string, number>();

/**
 * A node name as a small id (0: no node). Same-node checks run for every pod pair, and node names share long
 * prefixes (`ip-10-0-…`), so they are compared as ids rather than as text.
 */
export function nodeId(name: string | undefined): number {
  if (!name) return 0;
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = ids.size + 1));
  return id;
}
