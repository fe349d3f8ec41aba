import { userInfo } from 'node:os';
import { loadConfig } from '../src/config';
import { pickCluster } from './source';
import { openStateStore, type StateStore } from '../src/state/index';
import { BadInputError } from '../src/util/errors';
import type { CommandArgs, CommandContext, LoadedState } from './types';

/** The state store (CONTRACT §5) the command's environment names. */
export function stateStore(ctx: CommandContext): StateStore {
  return openStateStore(ctx.env);
}

/** Who runs the command: the Slack user, else `local:<OS user>` for the CLI. */
export function actorOf(ctx: CommandContext): string {
  if (ctx.actor) return ctx.actor;
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = ctx.env.USER ?? ctx.env.USERNAME;
  }
  return `local:${user || 'unknown'}`;
}

function flag(args: CommandArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Which cluster's baselines a command means: `--cluster`; else, as `loadState` picks what to analyse, the
 * cluster a snapshot names (its EksnetCollection or describe-cluster document), the configured default,
 * or the bundled demo's cluster. `loaded` is the state already loaded, when the command has it.
 * A snapshot or the demo is read only when nothing else names the cluster; a live cluster is never collected here.
 */
export async function clusterFor(args: CommandArgs, ctx: CommandContext, loaded?: LoadedState): Promise<string> {
  const explicit = flag(args, 'cluster');
  if (explicit) return explicit;
  let name = loaded?.info.cluster;
  if (!name) {
    const snapshotMode = flag(args, 'snapshot') ?? ctx.env.EKSNET_SNAPSHOT;
    const configured = snapshotMode ? undefined : pickCluster(args, loadConfig(ctx.env))?.name;
    name = configured ?? (await ctx.loadState(args)).info.cluster;
  }
  if (!name) throw new BadInputError('cannot tell which cluster this is (the snapshot names none): give --cluster NAME');
  return name;
}
