/** One slash command (or button click) to run: what the worker receives, and what inline runs use. */
export interface SlackJob {
  /** The subcommand (a COMMANDS name). */
  command: string;
  /** The words after the subcommand, as typed (plus the channel's default --cluster when one applies). */
  argv: string[];
  userId: string;
  channelId?: string;
  responseUrl: string;
  /** --share: answer in the channel instead of to the person who asked. */
  share: boolean;
  /** Reference id for the logs. */
  ref: string;
  /** The user who clicked "Share in channel" (the answer says who shared it). */
  sharedBy?: string;
  /** The answer replaces the message this response_url belongs to ("Working on…"). */
  replaceOriginal?: boolean;
}

/** The words of a job as one command line, quoting words that need it. */
export function jobWords(job: Pick<SlackJob, 'command' | 'argv'>): string {
  return [job.command, ...job.argv].map((w) => (/[\s"']/.test(w) || w === '' ? (w.includes('"') ? `'${w}'` : `"${w}"`) : w)).join(' ');
}

/** The CLI command that prints the same answer in full. */
export function cliCommandFor(job: Pick<SlackJob, 'command' | 'argv'>): string {
  return `eksnet ${jobWords({ command: job.command, argv: job.argv.filter((w) => w !== '--share') })}`;
}
