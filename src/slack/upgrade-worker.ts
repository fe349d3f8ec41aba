import { readFile } from 'node:fs/promises';
import type { WebClient } from '@slack/web-api';
import type { Command } from '../../commands/types';
import { decideOffer } from '../addons/offer-rules';
import { compareAddonVersions, parseAddonVersion } from '../addons/version';
import { getOffer, isTerminal, loadBatch, parseOfferId, updateOffer, type OfferRecord } from '../addons/offers';
import type { UpgradeClients } from '../addons/upgrade';
import { loadConfig, type ClusterConfig, type EksnetConfig } from '../config';
import { renderOfferMessage, threadMessage } from '../render/slack/addon-offer';
import { enforceLimits, escapeMrkdwn, escapeMrkdwnKeepMentions } from '../render/slack/limits';
import type { SlackMessage } from '../render/slack/types';
import { recordAudit } from '../state/audit';
import { claimOnce } from '../state/claims';
import { openStateStore } from '../state/index';
import type { StateStore, StoredRecord } from '../state/types';
import { checkCommandAccess } from './authorize';
import { resolveSlackScope } from './scope';
import { describeError, log } from '../util/log';
import { invokeWorker, type UpgradeClick, type UpgradeFollow, type UpgradeWork } from './upgrade-events';
import { groupMembersVia } from './usergroups';
import { workerSlackClient } from './web-client';

/** Approving is a state-changing subcommand `addon-upgrade` (CONTRACT §4): refused to all while no approvers exist. */
const APPROVE_UPGRADE = { name: 'addon-upgrade', readOnly: false } as Pick<Command, 'name' | 'readOnly'> as Command;

const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);

interface Settings {
  /** Per AWS / Kubernetes request (EKSNET_HTTP_TIMEOUT_MS, default 10 s). */
  timeoutMs: number;
  /** Between DescribeUpdate polls (EKSNET_UPGRADE_POLL_MS, default 15 s). */
  pollMs: number;
  /** How long one worker run follows an update before handing it to the next run (EKSNET_UPGRADE_RUN_MS, default 4 min; the worker's timeout is 5). */
  runMs: number;
  /** Runs after which an update without an outcome is reported as Failed (EKSNET_UPGRADE_MAX_RUNS, default 30: two hours). */
  maxRuns: number;
  /** A start that left no trace for this long may be started again with the same token (EKSNET_UPGRADE_RESUME_MS, default 2 min). */
  resumeMs: number;
}

function settings(env: NodeJS.ProcessEnv): Settings {
  return {
    timeoutMs: num(env.EKSNET_HTTP_TIMEOUT_MS, 10_000),
    pollMs: num(env.EKSNET_UPGRADE_POLL_MS, 15_000),
    runMs: num(env.EKSNET_UPGRADE_RUN_MS, 240_000),
    maxRuns: num(env.EKSNET_UPGRADE_MAX_RUNS, 30),
    resumeMs: num(env.EKSNET_UPGRADE_RESUME_MS, 120_000),
  };
}

interface Ctx {
  env: NodeJS.ProcessEnv;
  config: EksnetConfig;
  store: StateStore;
  slack: WebClient;
  s: Settings;
  ref: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A one-line reason from an AWS/Kubernetes error: its name (code) and message, as AWS gave them. */
function errorDetail(err: unknown): { code: string; message: string } {
  const e = err as { name?: string; message?: string; code?: string; body?: { message?: string } };
  return { code: e?.name ?? e?.code ?? 'Error', message: String(e?.body?.message ?? e?.message ?? err).slice(0, 500) };
}

// ---------------- Slack ----------------

/** Tell the person who clicked, and only them (chat.postEphemeral). */
async function tell(ctx: Ctx, click: UpgradeClick, text: string): Promise<void> {
  if (!click.channelId) return;
  try {
    await ctx.slack.chat.postEphemeral({ channel: click.channelId, user: click.userId, text });
  } catch (err) {
    log.error('could not tell the approver', { ref: ctx.ref, user: click.userId, error: describeError(err) });
  }
}

/** Re-render the offer message from the records of its batch and replace it in place (chat.update). */
async function showBatch(ctx: Ctx, offer: OfferRecord): Promise<void> {
  if (!offer.message) return;
  try {
    const { meta, offers } = await loadBatch(ctx.store, offer.batch);
    const all = offers.map((o) => (o.id === offer.id ? offer : o));
    const m = enforceLimits(renderOfferMessage(meta ?? { batch: offer.batch, cluster: offer.cluster, channel: offer.channel, createdAt: offer.createdAt, notes: [] }, all));
    await ctx.slack.chat.update({ channel: offer.message.channel, ts: offer.message.ts, text: m.text ?? '', ...(m.blocks ? { blocks: m.blocks } : {}) });
  } catch (err) {
    log.error('could not update the offer message', { ref: ctx.ref, offer: offer.id, error: describeError(err) });
  }
}

async function postInThread(ctx: Ctx, offer: OfferRecord, message: SlackMessage): Promise<void> {
  if (!offer.message) return;
  const m = enforceLimits(message);
  await ctx.slack.chat.postMessage({ channel: offer.message.channel, thread_ts: offer.message.ts, text: m.text ?? '', ...(m.blocks ? { blocks: m.blocks } : {}), unfurl_links: false });
}

// ---------------- audit ----------------

async function audit(ctx: Ctx, actor: string, action: string, cluster: string, subject: string, detail: string, outcome: string): Promise<void> {
  try {
    await recordAudit(ctx.store, { actor, action, cluster, subject, detail, outcome });
  } catch (err) {
    log.error('could not record an audit event', { ref: ctx.ref, action, subject, error: describeError(err) });
  }
}

async function refuse(ctx: Ctx, click: UpgradeClick, cluster: string, subject: string, why: string, text: string): Promise<void> {
  log.info('add-on upgrade click refused', { ref: ctx.ref, user: click.userId, channel: click.channelId, offer: subject, why });
  await audit(ctx, click.userId, 'upgrade-refuse', cluster, subject, why, 'refused');
  await tell(ctx, click, text);
}

// ---------------- who and with what ----------------

function clusterConfig(ctx: Ctx, name: string): ClusterConfig | undefined {
  return ctx.config.clusters.find((c) => c.name === name);
}

/** The cluster's approvers (per-cluster `approvers`, else authorization.approvers), checked as CONTRACT §4 says. */
async function mayApprove(ctx: Ctx, cluster: ClusterConfig, userId: string) {
  const config: EksnetConfig = cluster.approvers ? { ...ctx.config, authorization: { ...ctx.config.authorization, approvers: cluster.approvers } } : ctx.config;
  return checkCommandAccess(APPROVE_UPGRADE, userId, config, groupMembersVia(ctx.slack));
}

function roleFor(ctx: Ctx, cluster: ClusterConfig): string | undefined {
  return cluster.upgradeRoleArn ?? (ctx.env.EKSNET_UPGRADE_ROLE_ARN || undefined);
}

/** `region`: the click's scope fixes it (src/slack/scope.ts); a follow-up run goes on where the update started. */
async function clientsFor(ctx: Ctx, offer: OfferRecord, userId: string, region?: string): Promise<UpgradeClients> {
  const cluster = clusterConfig(ctx, offer.cluster)!;
  const { upgradeClients } = await import('../addons/upgrade');
  return upgradeClients({ cluster: offer.cluster, region: region ?? cluster.region ?? offer.region ?? ctx.env.AWS_REGION, roleArn: roleFor(ctx, cluster)!, userId, timeoutMs: ctx.s.timeoutMs });
}

// ---------------- is the offer still current and valid? ----------------

type Check = { ok: true } | { ok: false; stale: boolean; why: string };

/**
 * The add-on still runs `from` (managed: DescribeAddon; self-managed: the workload's image tag, and for a migration no
 * managed add-on yet), and `to` is still what the rules offer for the cluster's version now (DescribeCluster,
 * DescribeAddonVersions) — which also refuses a record that would downgrade.
 */
async function checkCurrent(ctx: Ctx, offer: OfferRecord, clients: UpgradeClients): Promise<Check> {
  const up = await import('../addons/upgrade');
  let running: string | undefined;
  if (offer.action === 'update-addon') {
    const managed = await up.describeManagedAddon(clients.eks, offer.cluster, offer.addon);
    running = managed?.version;
    if (!managed) return { ok: false, stale: true, why: `EKS manages no ${offer.addon} add-on on ${offer.cluster} now` };
  } else {
    const managed = await up.describeManagedAddon(clients.eks, offer.cluster, offer.addon);
    if (managed) return { ok: false, stale: true, why: `${offer.addon} is a managed add-on now (${managed.version ?? 'no version'})` };
    const kc = await up.upgradeKubeConfig(ctx.env, clients, offer.cluster);
    running = await up.workloadImageTag(kc, offer.workload!, ctx.s.timeoutMs);
  }
  if (running !== offer.from) return { ok: false, stale: true, why: `${offer.addon} runs ${running ?? 'no version'} now, not ${offer.from} as when the offer was made` };
  const cluster = await up.describeCluster(clients.eks, offer.cluster);
  // `to` is valid when the rules, given the versions up to `to`, choose `to`: compatible with the cluster's version
  // now, newer than `from` (never a downgrade), within the add-on's step rules. A newer build published since is no reason to refuse.
  const target = parseAddonVersion(offer.to);
  const listed = (await up.addonVersions(clients.eks, offer.addon, cluster.version ?? '')).filter((l) => {
    const v = parseAddonVersion(l.addonVersion);
    return target !== undefined && v !== undefined && compareAddonVersions(v, target) <= 0;
  });
  const decision = decideOffer(offer.addon, offer.from, cluster.version, listed);
  if (decision.kind === 'none') return { ok: false, stale: false, why: `${offer.to} is no longer offered: ${decision.reason}` };
  if (decision.to !== offer.to) {
    return { ok: false, stale: false, why: `${offer.to} is not what the rules offer for ${offer.addon} ${offer.from} on Kubernetes ${decision.evidence.clusterVersion} now (that is ${decision.to})` };
  }
  return { ok: true };
}

// ---------------- the click ----------------

async function handleClick(ctx: Ctx, click: UpgradeClick): Promise<void> {
  const raw = String(click.offerId ?? '').slice(0, 200);
  const parsed = parseOfferId(raw);
  const record = parsed ? await getOffer(ctx.store, raw) : undefined;
  const clusterName = record?.data.cluster ?? '-';
  await audit(ctx, click.userId, 'upgrade-click', clusterName, raw || '(empty)', `channel ${click.channelId ?? '-'}`, 'received');
  if (!record) {
    const why = parsed ? 'unknown offer id' : 'the button carries no offer id';
    await refuse(ctx, click, clusterName, raw || '(empty)', why, `:warning: This button does not name an add-on offer eksnet knows (${why}), so nothing was done. Offers come from the weekly add-on check; reference ${ctx.ref}.`);
    return;
  }
  let current: StoredRecord<OfferRecord> = record;
  const o = current.data;
  const label = `the ${o.addon} upgrade on ${o.cluster}`;
  if (click.channelId !== o.channel) {
    await refuse(ctx, click, o.cluster, o.id, `clicked in channel ${click.channelId ?? '-'}, offered in ${o.channel}`, `:lock: This offer belongs to another channel, so it cannot be approved here; nothing was done.`);
    return;
  }
  // The one scope rule (src/slack/scope.ts, as for slash commands): the cluster is configured and this channel is
  // one of its channels; the configuration fixes its region. The offer's own channel (above) must match as well.
  const scope = resolveSlackScope(ctx.config, { channelId: click.channelId, cluster: o.cluster, button: true, defaultRegion: ctx.env.AWS_REGION });
  const cluster = clusterConfig(ctx, o.cluster);
  if (!scope.allowed || !scope.cluster || !cluster) {
    const reason = scope.allowed ? `cluster ${o.cluster} is not in the eksnet configuration` : scope.reason;
    await refuse(ctx, click, o.cluster, o.id, `scope: ${reason}`, `:lock: ${escapeMrkdwnKeepMentions(reason)}, so ${escapeMrkdwn(label)} cannot run here; nothing was done.`);
    return;
  }
  const access = await mayApprove(ctx, cluster, click.userId);
  if (!access.allowed) {
    await refuse(ctx, click, o.cluster, o.id, `not an approver: ${access.reason}`, `:lock: You may not approve ${escapeMrkdwn(label)}: ${access.reason}.`);
    return;
  }
  if (o.state !== 'open' && !(o.state === 'starting' && Date.now() - Date.parse(o.startedAt ?? o.createdAt) > ctx.s.resumeMs)) {
    const by = o.approvals.map((a) => `<@${a.user}>`).join(' and ');
    const what = isTerminal(o.state) ? `has ended (${o.state})` : `was already approved by ${by} and is ${o.state}`;
    await refuse(ctx, click, o.cluster, o.id, `offer ${o.state}`, `:information_source: ${escapeMrkdwn(label)} ${what}; nothing more was done.`);
    return;
  }
  if (o.state === 'open' && Date.parse(o.expiresAt) <= Date.now()) {
    await refuse(ctx, click, o.cluster, o.id, `expired ${o.expiresAt}`, `:hourglass: This offer expired on ${o.expiresAt.slice(0, 10)}, so nothing was done; the next add-on check makes a new one.`);
    return;
  }
  if (ctx.env.EKSNET_SNAPSHOT) {
    await refuse(ctx, click, o.cluster, o.id, 'snapshot mode', ':information_source: Add-on upgrades need a live cluster: eksnet is answering from a snapshot (EKSNET_SNAPSHOT), so nothing was changed.');
    return;
  }
  if (!roleFor(ctx, cluster)) {
    await refuse(ctx, click, o.cluster, o.id, 'no upgrade role', `:lock: ${escapeMrkdwn(o.cluster)} has no upgrade role (upgradeRoleArn in the cluster's configuration, or EKSNET_UPGRADE_ROLE_ARN), so eksnet may not change it.`);
    return;
  }
  const message = click.channelId && click.messageTs ? { channel: click.channelId, ts: click.messageTs } : o.message;

  // Two-person approval: the first approval is recorded (conditional write), a different approver's click executes.
  if (o.state === 'open' && o.required === 2) {
    if (o.approvals.some((a) => a.user === click.userId)) {
      await refuse(ctx, click, o.cluster, o.id, 'same approver twice', `:raised_hand: You approved ${escapeMrkdwn(label)} already; a different approver must approve it too.`);
      return;
    }
    if (o.approvals.length === 0) {
      const next = await updateOffer(ctx.store, current, { ...o, message, approvals: [{ user: click.userId, at: click.at }] });
      if (!next) {
        await refuse(ctx, click, o.cluster, o.id, 'concurrent approval', `:information_source: Someone approved ${escapeMrkdwn(label)} at the same moment; click again to see where it stands.`);
        return;
      }
      await audit(ctx, click.userId, 'upgrade-approve', o.cluster, o.id, `${o.addon} ${o.from} → ${o.to}: first of two approvals`, 'pending');
      await showBatch(ctx, next.data);
      await tell(ctx, click, `:ballot_box_with_check: Your approval of ${escapeMrkdwn(label)} is recorded; a different approver must approve it too.`);
      return;
    }
  }

  // Still current and valid, with the upgrader's credentials (the checks are reads; nothing is changed yet).
  let clients: UpgradeClients;
  try {
    clients = await clientsFor(ctx, o, click.userId, scope.cluster.region);
  } catch (err) {
    await refuse(ctx, click, o.cluster, o.id, `no clients: ${errorDetail(err).message}`, `:warning: eksnet could not prepare ${escapeMrkdwn(label)}; reference ${ctx.ref}.`);
    return;
  }
  try {
    let check: Check;
    try {
      check = await checkCurrent(ctx, o, clients);
    } catch (err) {
      const d = errorDetail(err);
      log.error('could not check the offer', { ref: ctx.ref, offer: o.id, error: describeError(err) });
      await refuse(ctx, click, o.cluster, o.id, `check failed: ${d.code}: ${d.message}`, `:warning: eksnet could not check that ${escapeMrkdwn(label)} is still current (${escapeMrkdwn(d.code)}: ${escapeMrkdwn(d.message)}), so nothing was changed; reference ${ctx.ref}.`);
      return;
    }
    if (!check.ok) {
      if (check.stale) {
        const next = await updateOffer(ctx.store, current, { ...o, message, state: 'stale', status: check.why });
        if (next) await showBatch(ctx, next.data);
      }
      await refuse(ctx, click, o.cluster, o.id, check.stale ? `stale: ${check.why}` : `not valid: ${check.why}`, `:information_source: ${escapeMrkdwn(check.why)}, so nothing was done; \`eksnet addons --cluster ${escapeMrkdwn(o.cluster)}\` shows what is current.`);
      return;
    }
    // Exactly once: the start is claimed with a conditional write on the offer record; a second click, a second
    // container or a redelivered event finds it taken.
    const claimed = await updateOffer(ctx.store, current, {
      ...o,
      message,
      state: 'starting',
      approvals: [...o.approvals.filter((a) => a.user !== click.userId), { user: click.userId, at: click.at }],
      executedBy: click.userId,
      startedAt: new Date().toISOString(),
    });
    if (!claimed) {
      await refuse(ctx, click, o.cluster, o.id, 'already started (concurrent click)', `:information_source: ${escapeMrkdwn(label)} was started by another approval at the same moment; the offer message shows its progress.`);
      return;
    }
    current = claimed;
    await audit(ctx, click.userId, 'upgrade-approve', o.cluster, o.id, `${o.addon} ${o.from} → ${o.to} approved by ${current.data.approvals.map((a) => a.user).join(', ')}`, 'ok');
    await showBatch(ctx, current.data);
    await start(ctx, current, clients, click.userId);
  } finally {
    clients.destroy();
  }
}

// ---------------- start and follow ----------------

async function start(ctx: Ctx, claimed: StoredRecord<OfferRecord>, clients: UpgradeClients, userId: string): Promise<void> {
  const o = claimed.data;
  const up = await import('../addons/upgrade');
  let next: OfferRecord;
  try {
    if (o.action === 'update-addon') {
      const u = await up.startAddonUpdate(clients.eks, o);
      next = { ...o, state: 'in-progress', updateId: u.updateId, status: u.status };
    } else if (o.action === 'create-addon') {
      const u = await up.createManagedAddon(clients.eks, o);
      next = { ...o, state: 'in-progress', status: u.status };
    } else {
      const kc = await up.upgradeKubeConfig(ctx.env, clients, o.cluster);
      await up.setWorkloadImage(kc, o.workload!, o.from, o.image!, ctx.s.timeoutMs);
      next = { ...o, state: 'in-progress', status: 'rolling out' };
    }
  } catch (err) {
    const d = errorDetail(err);
    log.error('add-on upgrade could not start', { ref: ctx.ref, offer: o.id, error: describeError(err) });
    const failed = await updateOffer(ctx.store, claimed, { ...o, state: 'failed', endedAt: new Date().toISOString(), errors: [d] });
    await audit(ctx, userId, 'upgrade-start', o.cluster, o.id, `${o.addon} ${o.from} → ${o.to} (${o.action}): ${d.code}: ${d.message}`, 'failed');
    if (failed) {
      await audit(ctx, 'eksnet', 'upgrade-result', o.cluster, o.id, `Failed: ${d.code}: ${d.message}`, 'failed');
      await showBatch(ctx, failed.data);
    }
    return;
  }
  const written = await updateOffer(ctx.store, claimed, next);
  await audit(ctx, userId, 'upgrade-start', o.cluster, o.id, `${o.addon} ${o.from} → ${o.to} (${o.action})${next.updateId ? `; EKS update ${next.updateId}` : ''}; session ${up.sessionName(userId)}`, 'ok');
  if (!written) return; // another run owns it now
  await showBatch(ctx, written.data);
  await follow(ctx, written, clients, 1);
}

type Progress = { end?: 'successful' | 'failed'; status: string; errors?: { code: string; message: string }[] };

async function progress(ctx: Ctx, o: OfferRecord, clients: UpgradeClients): Promise<Progress> {
  const up = await import('../addons/upgrade');
  if (o.action === 'update-addon') {
    const u = await up.describeUpdate(clients.eks, o, o.updateId!);
    if (u.status === 'Successful') return { end: 'successful', status: u.status };
    if (u.status === 'Failed' || u.status === 'Cancelled') return { end: 'failed', status: u.status, errors: u.errors.length ? u.errors : [{ code: u.status, message: 'EKS gave no error details' }] };
    return { status: u.status };
  }
  if (o.action === 'create-addon') {
    const a = await up.describeManagedAddon(clients.eks, o.cluster, o.addon);
    if (a?.status === 'ACTIVE') return { end: 'successful', status: 'ACTIVE' };
    if (a?.status === 'CREATE_FAILED' || a?.status === 'DEGRADED') return { end: 'failed', status: a.status, errors: a.issues.length ? a.issues : [{ code: a.status, message: 'EKS gave no health issues' }] };
    return { status: a?.status ?? 'CREATING' };
  }
  const kc = await up.upgradeKubeConfig(ctx.env, clients, o.cluster);
  const r = await up.rolloutStatus(kc, o.workload!, ctx.s.timeoutMs);
  return r.done ? { end: 'successful', status: r.detail } : { status: r.detail };
}

/**
 * Poll until the update ends, updating the offer message in place; near the end of this run's budget, hand the
 * offer to a new worker run (the worker invokes itself with the offer id), which reads the record and goes on. Only
 * the run whose conditional write ends the offer posts the outcome and runs the verification.
 */
async function follow(ctx: Ctx, rec: StoredRecord<OfferRecord>, clients: UpgradeClients, run: number): Promise<void> {
  const deadline = Date.now() + ctx.s.runMs;
  for (;;) {
    const o = rec.data;
    let p: Progress;
    try {
      p = await progress(ctx, o, clients);
    } catch (err) {
      log.warn('could not read the update status; trying again', { ref: ctx.ref, offer: o.id, error: describeError(err) });
      p = { status: o.status ?? 'InProgress' };
    }
    if (p.end) {
      await finish(ctx, rec, p);
      return;
    }
    await showBatch(ctx, { ...o, status: p.status });
    if (Date.now() + ctx.s.pollMs >= deadline) {
      if (run >= ctx.s.maxRuns) {
        await finish(ctx, rec, { end: 'failed', status: 'no outcome', errors: [{ code: 'NoOutcome', message: `still ${p.status} after ${run} worker runs; check the update in the EKS console` }] });
        return;
      }
      const next = await updateOffer(ctx.store, rec, { ...o, status: p.status, followUps: run });
      if (!next) return;
      const fn = ctx.env.EKSNET_WORKER_FUNCTION;
      if (fn) {
        await invokeWorker({ kind: 'follow', ref: ctx.ref, offerId: o.id, run: run + 1 }, fn);
        log.info('add-on upgrade handed to a later worker run', { ref: ctx.ref, offer: o.id, run: run + 1 });
        return;
      }
      // No worker function (a local run): this process goes on following.
      return follow(ctx, next, clients, run + 1);
    }
    await sleep(ctx.s.pollMs);
  }
}

async function finish(ctx: Ctx, rec: StoredRecord<OfferRecord>, p: Progress): Promise<void> {
  const o = rec.data;
  const ended = await updateOffer(ctx.store, rec, { ...o, state: p.end!, status: p.status, endedAt: new Date().toISOString(), ...(p.errors ? { errors: p.errors } : {}) });
  if (!ended) return; // another run ended it and showed the outcome
  const detail = p.end === 'successful' ? `Successful: ${o.addon} ${o.to}` : `Failed: ${(p.errors ?? []).map((e) => `${e.code}: ${e.message}`).join('; ')}`;
  await audit(ctx, 'eksnet', 'upgrade-result', o.cluster, o.id, detail, p.end === 'successful' ? 'ok' : 'failed');
  await showBatch(ctx, ended.data);
  if (p.end === 'successful') await verify(ctx, ended.data);
}

async function handleFollow(ctx: Ctx, f: UpgradeFollow): Promise<void> {
  const rec = await getOffer(ctx.store, f.offerId);
  if (!rec || rec.data.state !== 'in-progress') {
    log.info('follow-up found nothing to follow', { ref: ctx.ref, offer: f.offerId, state: rec?.data.state ?? null });
    return;
  }
  const userId = rec.data.executedBy ?? 'eksnet';
  const clients = await clientsFor(ctx, rec.data, userId);
  try {
    await follow(ctx, rec, clients, f.run);
  } finally {
    clients.destroy();
  }
}

// ---------------- verification ----------------

/**
 * After a successful upgrade: the cluster's connectivity assertions (`assertions`, a `whoami-reach --batch` file with
 * `expect`) run against the cluster as it is now, through the same command the CLI runs, and the answer goes to the
 * offer's thread.
 */
async function verify(ctx: Ctx, o: OfferRecord): Promise<void> {
  const cluster = clusterConfig(ctx, o.cluster);
  const file = cluster?.assertions;
  if (!file) {
    await audit(ctx, 'eksnet', 'upgrade-verify', o.cluster, o.id, 'no assertions file configured (assertions)', 'skipped');
    await postInThread(ctx, o, threadMessage(`:grey_question: No connectivity assertions are configured for ${escapeMrkdwn(o.cluster)} (\`assertions\`: a \`whoami-reach --batch\` file), so the upgrade was not verified.`)).catch(() => undefined);
    return;
  }
  try {
    const { whoamiReachCommand } = await import('../../commands/whoami-reach');
    const { loadState } = await import('../../commands/source');
    const { renderSlack } = await import('../render/slack/index');
    const args = { words: [], flags: { batch: file, cluster: o.cluster, fresh: true } as Record<string, string | boolean> };
    const result = await whoamiReachCommand.run(args, { env: ctx.env, loadState: (a) => loadState(a, ctx.env), readInput: (p) => readFile(p, 'utf8') });
    const rows = (result.detail as { rows?: { verdict?: string; expect?: string; error?: string }[] } | undefined)?.rows ?? [];
    const failed = rows.filter((r) => r.error || (r.expect && r.expect !== r.verdict)).length;
    const outcome = result.exitCode === 0 ? 'ok' : 'failed';
    const head = outcome === 'ok' ? `:white_check_mark: Verified after the ${o.addon} upgrade: all ${rows.length} connectivity assertions hold.` : `:rotating_light: After the ${o.addon} upgrade, ${failed} of ${rows.length} connectivity assertions fail.`;
    const body = renderSlack(result, { cliCommand: `eksnet whoami-reach --batch ${file} --cluster ${o.cluster}` });
    await postInThread(ctx, o, { text: `${head} ${body.text ?? ''}`.trim(), blocks: [...threadMessage(head).blocks!, ...(body.blocks ?? [])] });
    await audit(ctx, 'eksnet', 'upgrade-verify', o.cluster, o.id, `${rows.length - failed} of ${rows.length} assertions hold (${file})`, outcome);
  } catch (err) {
    const d = errorDetail(err);
    log.error('verification failed to run', { ref: ctx.ref, offer: o.id, error: describeError(err) });
    await audit(ctx, 'eksnet', 'upgrade-verify', o.cluster, o.id, `could not run ${file}: ${d.code}: ${d.message}`, 'failed');
    await postInThread(ctx, o, threadMessage(`:warning: eksnet could not run the connectivity assertions after the upgrade (${escapeMrkdwn(d.message)}); reference ${ctx.ref}.`)).catch(() => undefined);
  }
}

// ---------------- entry ----------------

/**
 * The worker's part of an add-on upgrade: a click (checked against its offer record, then approved, started and
 * followed) or a follow-up run. Each delivered event is handled once (a claim keyed by its reference), and the worker
 * never throws, so Lambda does not retry it.
 */
export async function handleUpgradeWork(work: UpgradeWork, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const ref = work.ref;
  try {
    const store = openStateStore(env);
    const eventKey = work.kind === 'click' ? `upgrade-event#${ref}` : `upgrade-follow#${work.offerId}#${work.run}`;
    if (!(await claimOnce(store, eventKey, 24 * 3600))) {
      log.warn('upgrade work delivered again; skipped', { ref, kind: work.kind });
      return;
    }
    const ctx: Ctx = { env, config: loadConfig(env), store, slack: await workerSlackClient(env), s: settings(env), ref };
    if (work.kind === 'click') await handleClick(ctx, work);
    else await handleFollow(ctx, work);
  } catch (err) {
    log.error('add-on upgrade work failed', { ref, kind: work?.kind, error: describeError(err) });
  }
}
