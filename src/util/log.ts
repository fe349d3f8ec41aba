import { randomBytes } from 'node:crypto';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Slack tokens (bot, user, app-level, config) and anything that looks like an AWS secret key or session token. */
const TOKEN_PATTERNS = [/\bxox[a-z]-[A-Za-z0-9-]+/g, /\bxapp-[A-Za-z0-9-]+/g, /\b(aws_secret_access_key|aws_session_token)\b["'=:\s]+[A-Za-z0-9/+=]{16,}/gi];

const secrets = new Set<string>();

/** Values never to print (signing secret, bot token), whatever field they turn up in. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  for (const re of TOKEN_PATTERNS) out = out.replace(re, '[redacted]');
  return out;
}

/** A short id that ties a user-facing error to its log line. */
export function newReference(): string {
  return randomBytes(4).toString('hex');
}

export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { name: err.name, message: err.message, stack: err.stack };
  if (err.cause !== undefined) out.cause = describeError(err.cause);
  return out;
}

type Sink = (line: string) => void;
let sink: Sink = (line) => process.stdout.write(line + '\n');
let threshold: Level = (process.env.EKSNET_LOG_LEVEL as Level) in ORDER ? (process.env.EKSNET_LOG_LEVEL as Level) : 'info';

/** Send log lines elsewhere (tests); returns the previous sink. */
export function setLogSink(next: Sink): Sink {
  const prev = sink;
  sink = next;
  return prev;
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const entry = { time: new Date().toISOString(), level, msg, ...fields };
  let line: string;
  try {
    line = JSON.stringify(entry, (_k, v) => (v instanceof Error ? describeError(v) : v));
  } catch {
    line = JSON.stringify({ time: entry.time, level, msg });
  }
  sink(redact(line));
}

/** Structured JSON logs (one line each, CloudWatch-friendly) with tokens and secrets redacted. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};

/** Bolt's Logger interface over the JSON log, so Bolt's own messages are structured and redacted too. */
export function boltLogger() {
  let name = 'bolt';
  const join = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    debug: (...args: unknown[]) => write('debug', join(args), { source: name }),
    info: (...args: unknown[]) => write('info', join(args), { source: name }),
    warn: (...args: unknown[]) => write('warn', join(args), { source: name }),
    error: (...args: unknown[]) => write('error', join(args), { source: name, ...(args.find((a) => a instanceof Error) ? { error: args.find((a) => a instanceof Error) } : {}) }),
    setLevel: (level: string) => {
      if (level in ORDER) threshold = level as Level;
    },
    getLevel: () => threshold as any,
    setName: (n: string) => {
      name = n;
    },
  };
}
