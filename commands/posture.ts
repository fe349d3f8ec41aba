import { loadConfig } from '../src/config';
import type { Finding } from '../src/model/result';
import { runPosture } from '../src/posture/runner';
import { CHECKS } from '../src/posture/checks/index';
import { addMute, applyMutes, checkMuteTarget, listMutes, parseUntil, removeMute, type Mute, type MutedFinding } from '../src/posture/mutes';
import { recordAudit } from '../src/state/audit';
import { BadInputError, errorMessage } from '../src/util/errors';
import { actorOf, clusterFor, stateStore } from './state-access';
import type { Command, CommandResult } from './types';

/** What `posture --json` prints (CONTRACT §2): the findings in force; muted ones are in the detail. */
export interface PostureData {
  findings: Finding[];
}

/** What `posture mute|unmute --json` prints. */
export interface PostureMuteData {
  mute?: Mute;
  unmuted?: Mute;
}

/** For the text and Slack renderers: findings a mute covers, with who muted them, why and until when. */
export interface PostureDetail {
  verb: 'list' | 'mute' | 'unmute';
  cluster?: string;
  muted: MutedFinding[];
}

const USAGE = 'posture | posture mute CHECK-ID OBJECT --reason TEXT --until YYYY-MM-DD | posture unmute CHECK-ID OBJECT';

export const postureCommand: Command<PostureData | PostureMuteData> = {
  name: 'posture',
  summary: "The cluster's traffic-control posture: findings by severity, each with why it matters and the fix; mute accepted findings.",
  usage: USAGE,
  examples: ['posture', 'posture --json', 'posture mute sg-open-to-world sg-0123 --reason "bastion, reviewed by secops" --until 2027-03-31', 'posture unmute sg-open-to-world sg-0123'],
  readOnly: true,
  // Muting changes what everyone sees: approvers only (CONTRACT §4), as every state change.
  readOnlyFor: (args) => args.words[0] !== 'mute' && args.words[0] !== 'unmute',
  async run(args, ctx) {
    const [verb, ...rest] = args.words;
    if (verb === 'mute' || verb === 'unmute') return changeMute(verb, rest, args, ctx);
    if (args.words.length > 0) throw new BadInputError(`unknown posture verb "${args.words[0]}" (usage: eksnet ${USAGE})`);
    if (args.flags.reason !== undefined || args.flags.until !== undefined) throw new BadInputError('--reason and --until go with posture mute');
    const state = await ctx.loadState(args);
    const config = loadConfig(ctx.env);
    const all = runPosture(state.snapshot, CHECKS, { authorizedPorts: config.posture.authorizedPorts });
    const notices: string[] = [];
    let muted: MutedFinding[] = [];
    let findings = all;
    let cluster: string | undefined;
    try {
      cluster = await clusterFor(args, ctx, state);
      ({ findings, muted } = applyMutes(all, await listMutes(stateStore(ctx), cluster)));
    } catch (err) {
      // Without the mute list every finding is shown: never hide one because the store could not be read.
      notices.push(`the posture mute list could not be read (${errorMessage(err).split('\n')[0]}); showing every finding`);
    }
    if (muted.length > 0) notices.push(`${muted.length} finding(s) muted (eksnet posture lists them, with who muted them, why and until when)`);
    const detail: PostureDetail = { verb: 'list', cluster, muted };
    return { command: 'posture', data: { findings }, state: state.info, exitCode: 0, notices, detail };
  },
};

async function changeMute(verb: 'mute' | 'unmute', rest: string[], args: Parameters<Command['run']>[0], ctx: Parameters<Command['run']>[1]): Promise<CommandResult<PostureMuteData>> {
  const [id, object, extra] = rest;
  if (!id || !object || extra !== undefined) throw new BadInputError(`usage: eksnet ${USAGE}`);
  checkMuteTarget(id, object);
  const store = stateStore(ctx);
  const cluster = await clusterFor(args, ctx);
  const actor = actorOf(ctx);
  if (verb === 'unmute') {
    if (args.flags.reason !== undefined || args.flags.until !== undefined) throw new BadInputError('--reason and --until go with posture mute');
    const removed = await removeMute(store, cluster, id, object);
    if (!removed) throw new BadInputError(`no mute for ${id} on ${object} in cluster ${cluster}`);
    await recordAudit(store, { actor, action: 'posture-unmute', cluster, subject: `${id} ${object}`, detail: `muted by ${removed.by} until ${removed.until}: ${removed.reason}`, outcome: 'ok' });
    return { command: 'posture', data: { unmuted: removed }, exitCode: 0, notices: [], detail: { verb, cluster, muted: [] } satisfies PostureDetail };
  }
  const reason = typeof args.flags.reason === 'string' ? args.flags.reason.trim() : '';
  if (!reason) throw new BadInputError('posture mute needs --reason TEXT (why the team accepts this finding)');
  if (typeof args.flags.until !== 'string') throw new BadInputError('posture mute needs --until YYYY-MM-DD (a mute always ends)');
  const now = new Date();
  const until = parseUntil(args.flags.until, now);
  const mute: Mute = { id, object, by: actor, reason, until: until.toISOString(), at: now.toISOString() };
  await addMute(store, cluster, mute, now);
  await recordAudit(store, { actor, action: 'posture-mute', cluster, subject: `${id} ${object}`, detail: `until ${mute.until}: ${reason}`, outcome: 'ok' });
  return { command: 'posture', data: { mute }, exitCode: 0, notices: [], detail: { verb, cluster, muted: [] } satisfies PostureDetail };
}
