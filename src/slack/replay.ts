/**
 * Slack signs `v0:timestamp:body`; Bolt refuses timestamps older than five minutes, but a captured request
 * replayed inside that window still verifies. Remember the signatures this process has accepted for that
 * window and refuse a repeat. Per process (a warm Lambda container): a replay that lands on another
 * container is not caught, which is why state-changing actions must also be idempotent.
 */
const WINDOW_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  isReplay(signature: string | undefined): boolean {
    if (!signature) return false;
    const at = this.seen.get(signature);
    return at !== undefined && this.now() - at < WINDOW_MS;
  }

  remember(signature: string | undefined): void {
    if (!signature) return;
    const now = this.now();
    for (const [sig, at] of this.seen) {
      if (now - at < WINDOW_MS && this.seen.size < MAX_ENTRIES) break;
      this.seen.delete(sig);
    }
    this.seen.set(signature, now);
  }
}
