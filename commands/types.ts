import type { Snapshot } from '../src/model/snapshot';

/** Where the state a command analyses came from, and how fresh it is (every answer says so). */
export interface StateInfo {
  /** 'snapshot' (--snapshot / EKSNET_SNAPSHOT), 'live' (collected from AWS/Kubernetes), 'demo' (bundled). */
  mode: 'snapshot' | 'live' | 'demo';
  /** Snapshot path, or the cluster name for live. */
  source: string;
  cluster?: string;
  region?: string;
  /** ISO time the data was collected (live, or EksnetCollection.collectedAt), when known. */
  collectedAt?: string;
  /** Resources the collection could not read (the answer covers only what was read). */
  missing: { resource: string; reason: string }[];
  /** Documents the loader did not recognise, and similar non-fatal problems. */
  warnings?: string[];
}

export interface LoadedState {
  snapshot: Snapshot;
  info: StateInfo;
}

/** Parsed words and flags of one invocation, shared by the CLI and Slack. */
export interface CommandArgs {
  /** Positional words after the subcommand. */
  words: string[];
  /** --flag value / --flag (true). Known flags: snapshot, cluster, region, json, batch, baseline, out, since, version, fresh, share. */
  flags: Record<string, string | boolean>;
}

/** What the surroundings provide to a command: how to load state, and where input comes from. */
export interface CommandContext {
  /** Load the state to analyse (snapshot, live or demo), honouring --snapshot/--cluster/--region/--fresh and EKSNET_SNAPSHOT. */
  loadState(args: CommandArgs): Promise<LoadedState>;
  /** Read a file or '-' (stdin) — for --batch. */
  readInput(pathOrDash: string): Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Where a streaming command (batch --json) writes each JSON line as soon as it is known; absent = collect them. */
  emitJsonLine?: (line: unknown) => void;
  /** Who runs the command, for saved baselines and audit events: a Slack user id; absent on the CLI (`local:<OS user>`). */
  actor?: string;
  /** Run a scheduled job now (`eksnet jobs run`): provided by the CLI, which owns the jobs' surroundings. */
  runJob?: (input: { job: string | undefined; at?: string; cluster?: string }) => Promise<JobsRunData>;
}

/** What `eksnet jobs run --json` prints: the run's time and its outcome per cluster. */
export interface JobsRunData {
  job: string;
  at: string;
  clusters: { cluster: string; outcome: string; posted: number; pending?: number; ref?: string }[];
}

/**
 * A command's typed outcome. `data` is exactly what --json prints (CONTRACT §2); renderers
 * (src/render/text, src/render/slack) turn the same result into text or Block Kit.
 */
export interface CommandResult<T = unknown> {
  command: string;
  data: T;
  state?: StateInfo;
  /** Process exit status: 0 done (whatever the verdict); 1 e.g. a failed batch expectation. */
  exitCode: 0 | 1 | 2;
  /** Lines for stderr (warnings, demo notice, partial data). */
  notices: string[];
  /** For --json with several documents (batch): one JSON line each, instead of `data`. */
  jsonLines?: unknown[];
  /** Extra context for the text and Slack renderers (never printed by --json). */
  detail?: unknown;
}

export interface Command<T = unknown> {
  name: string;
  summary: string;
  usage: string;
  examples: string[];
  /** True when the command changes nothing (anyone in the workspace may run it by default). */
  readOnly: boolean;
  /** For a command whose verbs differ (`baseline show` reads, `baseline save` writes): whether this invocation changes nothing. */
  readOnlyFor?(args: CommandArgs): boolean;
  /** Runs only from the CLI: refused from Slack (it manages the server's own infrastructure). */
  cliOnly?: boolean;
  run(args: CommandArgs, ctx: CommandContext): Promise<CommandResult<T>>;
}
