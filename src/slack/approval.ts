import type App from '@slack/bolt/dist/App';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { Command } from '../../commands/types';
import type { UpgradeTarget } from '../addons/upgrade';
import { loadConfig } from '../config';
import { ADDON_UPGRADE_ACTION, parseOffer, renderUpgradeStarted, type AddonOffer } from '../render/slack/addon-offer';
import { enforceLimits, escapeMrkdwn } from '../render/slack/limits';
import type { Block, SlackMessage } from '../render/slack/types';
import { checkCommandAccess, type GroupMembers } from './authorize';
import type { ListenerDeps } from './dispatch';
import { describeError, log, newReference } from '../util/log';
import { refusalMessage } from './messages';
import { resolveSlackScope } from './scope';
import { groupMembersVia } from './usergroups';

/**
 * Approving an upgrade changes the cluster (CONTRACT §4): checked as a state-changing subcommand named
 * `addon-upgrade`, so it is refused to everyone while authorization.approvers is empty, then allowed to the
 * approvers (or to authorization.commands.addon-upgrade when set). checkCommandAccess reads only these two fields.
 */
const APPROVE_UPGRADE = { name: 'addon-upgrade', readOnly: false } as Pick<Command, 'name' | 'readOnly'> as Command;

export type ApprovalOutcome =
  /** Nothing changed: say why to the person who clicked (ephemeral); the offer stays. */
  | { kind: 'reply'; message: SlackMessage }
  /** The update started: replace the offer's block with who approved and the update id. */
  | { kind: 'started'; updateId: string; status: string };

export interface ApprovalDeps {
  env: NodeJS.ProcessEnv;
  members: GroupMembers;
  /** The channel the button was clicked in (scope: resolveSlackScope). */
  channelId?: string;
  /** The EKS client for a cluster (tests and local runs may replace it). */
  eks?: (target: UpgradeTarget) => EKSClient;
}

const ephemeral = (text: string): SlackMessage => ({ response_type: 'ephemeral', text });

/** One sentence people can act on, from the error's name only (the message may hold ARNs). */
function failureHint(err: unknown): string | undefined {
  const name = (err as { name?: string })?.name ?? '';
  if (/AccessDenied|UnauthorizedOperation|Forbidden|ExpiredToken|CredentialsProviderError/i.test(name)) return 'eksnet is not allowed to update add-ons (eks:DescribeAddon, eks:UpdateAddon)';
  if (/ResourceInUse/i.test(name)) return 'EKS is already updating this add-on or the cluster';
  if (/ResourceNotFound/i.test(name)) return 'EKS does not know this cluster or add-on';
  if (/InvalidParameter|InvalidRequest/i.test(name)) return 'EKS refused the request, e.g. a version that is not compatible';
  if (/Timeout|TimedOut|ETIMEDOUT|ECONNREFUSED|ENOTFOUND/i.test(name + ' ' + String((err as { code?: string })?.code ?? ''))) return 'EKS did not answer in time';
  return undefined;
}

/**
 * Decide and act on one click: authorised approver, a live cluster, the add-on still on the version the
 * offer was made for, then UpdateAddon with the upgrade's deterministic token (a double click or a Slack
 * retry gets the update that is already running, never a second one).
 */
export async function approveUpgrade(offer: AddonOffer, userId: string, ref: string, deps: ApprovalDeps): Promise<ApprovalOutcome> {
  const what = `the ${offer.addon} upgrade on ${offer.cluster}`;
  const config = loadConfig(deps.env);
  const access = await checkCommandAccess(APPROVE_UPGRADE, userId, config, deps.members);
  if (!access.allowed) return { kind: 'reply', message: refusalMessage(what, access.reason) };
  // The same scope as slash commands: the cluster (and its region and role) from the configuration, in a channel allowed to reach it.
  const scope = resolveSlackScope(config, { channelId: deps.channelId, cluster: offer.cluster, defaultRegion: deps.env.AWS_REGION ?? deps.env.AWS_DEFAULT_REGION });
  if (!scope.allowed) return { kind: 'reply', message: refusalMessage(what, scope.reason) };
  const cluster = scope.cluster;
  if (!cluster) return { kind: 'reply', message: refusalMessage(what, `cluster ${offer.cluster} is not in the eksnet configuration`) };
  if (deps.env.EKSNET_SNAPSHOT) {
    return { kind: 'reply', message: ephemeral(`:information_source: Add-on upgrades need a live cluster: eksnet is answering from a snapshot (EKSNET_SNAPSHOT), so nothing was changed.`) };
  }

  const target: UpgradeTarget = { cluster: cluster.name, region: cluster.region, roleArn: cluster.roleArn };
  // Loaded on the first click only: the EKS client and STS credentials stay out of the Slack function's cold start.
  const { currentAddonVersion, eksClientFor, startAddonUpgrade } = await import('../addons/upgrade');
  const eks = (deps.eks ?? eksClientFor)(target);
  try {
    const current = await currentAddonVersion(eks, offer.cluster, offer.addon);
    if (current !== offer.from) {
      log.info('stale add-on upgrade offer', { ref, user: userId, cluster: offer.cluster, addon: offer.addon, offered: offer.from, current: current ?? null });
      const now = current ? `runs \`${escapeMrkdwn(current)}\` now` : 'reports no version now';
      return {
        kind: 'reply',
        message: ephemeral(`:information_source: ${escapeMrkdwn(offer.addon)} on ${escapeMrkdwn(offer.cluster)} ${now}, not \`${escapeMrkdwn(offer.from)}\` as when this offer was made, so nothing was done; \`eksnet addons --cluster ${escapeMrkdwn(offer.cluster)}\` shows what is current.`),
      };
    }
    const update = await startAddonUpgrade(eks, offer);
    // The audit record of who changed the cluster.
    log.info('add-on upgrade approved and started', { ref, user: userId, cluster: offer.cluster, addon: offer.addon, from: offer.from, to: offer.to, updateId: update.updateId, status: update.status });
    return { kind: 'started', updateId: update.updateId, status: update.status };
  } catch (err) {
    log.error('add-on upgrade failed', { ref, user: userId, cluster: offer.cluster, addon: offer.addon, to: offer.to, error: describeError(err) });
    const hint = failureHint(err);
    return { kind: 'reply', message: ephemeral(`:warning: eksnet could not start ${escapeMrkdwn(what)}${hint ? ` (${hint})` : ''}; reference ${ref} in the eksnet logs has the details.`) };
  } finally {
    eks.destroy();
  }
}

/**
 * The "Upgrade" buttons of the add-on check's offers. Acked first; on Lambda the HTTP answer still waits for
 * this listener, so the two EKS calls are short (eksClientFor) and the answer goes to response_url.
 */
export function registerApprovalListener(app: App, deps: ListenerDeps): void {
  app.action(ADDON_UPGRADE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const ref = newReference();
    const userId = body.user.id;
    const offer = parseOffer('value' in action && typeof action.value === 'string' ? action.value : undefined);
    const reply = async (m: SlackMessage) => {
      await respond({ ...enforceLimits(m), response_type: 'ephemeral', replace_original: false } as Parameters<typeof respond>[0]);
    };
    try {
      if (!offer) {
        log.warn('add-on upgrade click without a usable value', { ref, user: userId });
        await reply(ephemeral(`:warning: This button does not carry an add-on upgrade eksnet can read; reference ${ref}.`));
        return;
      }
      log.info('add-on upgrade clicked', { ref, user: userId, cluster: offer.cluster, addon: offer.addon, from: offer.from, to: offer.to });
      const channelId = 'channel' in body && body.channel ? body.channel.id : undefined;
      const outcome = await approveUpgrade(offer, userId, ref, { env: deps.env, members: groupMembersVia(client, { env: deps.env, store: deps.store }), channelId });
      if (outcome.kind === 'reply') {
        await reply(outcome.message);
        return;
      }
      const original = 'message' in body && body.message && Array.isArray(body.message.blocks) ? (body.message.blocks as Block[]) : undefined;
      const message = renderUpgradeStarted(original, offer, userId, outcome.updateId, outcome.status);
      await respond({ ...enforceLimits(message), replace_original: true } as Parameters<typeof respond>[0]);
    } catch (err) {
      log.error('could not answer an add-on upgrade click', { ref, user: userId, error: describeError(err) });
      await reply(ephemeral(`:warning: eksnet could not handle this upgrade click; reference ${ref} in the eksnet logs has the details.`)).catch(() => undefined);
    }
  });
}
