import type { CommandResult } from '../../../commands/types';
import type { JobsRunData } from '../../../commands/types';

const WORDS: Record<string, string> = {
  posted: 'posted',
  duplicate: 'already done for this time (nothing posted again)',
  'no-baseline': 'no baseline yet (said so in the channel)',
  'nothing-to-offer': 'nothing to offer',
  'nothing-new': 'nothing new to alert',
  quiet: 'quiet day',
  failed: 'failed',
};

export function renderJobsText(result: CommandResult<JobsRunData>): string {
  const d = result.data;
  const lines = [`${d.job} at ${d.at}:`];
  if (d.clusters.length === 0) lines.push('  no cluster has a channel in the eksnet configuration; nothing to do');
  for (const c of d.clusters) {
    const extra = [`${c.posted} message${c.posted === 1 ? '' : 's'} delivered`];
    if (c.pending) extra.push(`${c.pending} kept for the next run (Slack did not take ${c.pending === 1 ? 'it' : 'them'})`);
    if (c.ref) extra.push(`reference ${c.ref}`);
    lines.push(`  ${c.cluster}: ${WORDS[c.outcome] ?? c.outcome} — ${extra.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
