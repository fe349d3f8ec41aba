/** Bad input from the user: exit status 2 with a one-line message (CONTRACT §2). */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure that is not the user's input: exit status 1. */
export class EksnetError extends Error {
  override readonly name = 'EksnetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A failure (exit 1) that eksnet explains in its own words — no SDK text, nothing secret — so Slack shows the
 * message itself rather than "could not finish" (e.g. "no baseline is saved for cluster prod: save one with …").
 */
export class ExplainedError extends EksnetError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
