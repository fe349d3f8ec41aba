import { listAudit, type AuditEvent } from '../src/state/audit';
import { BadInputError } from '../src/util/errors';
import { stateStore } from './state-access';
import type { Command } from './types';

/** Exactly what `eksnet audit --json` prints (CONTRACT §2), newest first. */
export interface AuditData {
  events: AuditEvent[];
}

export interface AuditDetail {
  cluster?: string;
  since?: string;
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };

/** A duration such as 30m, 12h, 7d or 2w, in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new BadInputError(`--since must be a duration such as 30m, 12h, 7d or 2w, not ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]! * 1000;
}

/** The events exactly as the contract names their fields, in its order. */
function contractEvent(e: AuditEvent): AuditEvent {
  return { at: e.at, actor: e.actor, action: e.action, cluster: e.cluster, subject: e.subject, detail: e.detail, outcome: e.outcome };
}

export const auditCommand: Command<AuditData> = {
  name: 'audit',
  summary: 'The audit trail: baseline saves, accepts, snoozes, upgrade offers, approvals, refusals and results, newest first.',
  usage: 'audit [--cluster C] [--since DURATION]',
  examples: ['audit --since 7d', 'audit --cluster prod --since 12h --json'],
  readOnly: true,
  async run(args, ctx) {
    if (args.words.length) throw new BadInputError(`audit takes no words (got ${args.words.join(' ')}); use --cluster C and --since DURATION`);
    const since = typeof args.flags.since === 'string' ? new Date(Date.now() - parseDuration(args.flags.since)) : undefined;
    const cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
    const events = await listAudit(stateStore(ctx), { ...(cluster ? { cluster } : {}), ...(since ? { since } : {}) });
    return {
      command: 'audit',
      data: { events: events.map(contractEvent) },
      exitCode: 0,
      notices: [],
      detail: { ...(cluster ? { cluster } : {}), ...(since ? { since: since.toISOString() } : {}) } satisfies AuditDetail,
    };
  },
};
