import type { StateInfo } from '../../../commands/types';

/** "cluster demo-eks (snapshot demo/snapshot, collected 3 min ago)": which data an answer rests on. */
export function describeState(info: StateInfo | undefined, now = Date.now()): string {
  if (!info) return '';
  const where = info.mode === 'live' ? 'live' : info.mode === 'demo' ? 'bundled demo snapshot' : `snapshot ${info.source}`;
  const parts = [where];
  if (info.collectedAt) parts.push(`collected ${age(info.collectedAt, now)}`);
  return `${info.cluster ? `cluster ${info.cluster}` : 'cluster (unnamed)'} (${parts.join(', ')})`;
}

export function age(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return `at ${iso}`;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
