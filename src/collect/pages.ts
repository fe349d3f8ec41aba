import type { Limiter } from './limiter';

/**
 * Follows a paginated API to its end: `fetchPage(token)` returns one page's items and the next
 * token. Each page is one call through the limiter. A token that repeats ends the loop (the SDK's
 * own paginators do the same) instead of spinning forever.
 */
export async function allPages<T>(
  run: Limiter,
  fetchPage: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await run(() => fetchPage(token));
    if (page.items) out.push(...page.items);
    if (!page.next || seen.has(page.next)) return out;
    seen.add(page.next);
    token = page.next;
  }
}
