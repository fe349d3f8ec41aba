/** The error a run gets when its cluster's deadline passes. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Run `work` with a deadline: the returned promise settles by `ms` at the latest, rejecting with a
 * DeadlineError, and `signal` (given to the work) is aborted then, so the work's late steps can refuse to act
 * (see guardedContext in consume.ts). A run that hangs in a call without its own timeout keeps running in
 * the background, but it can no longer post, and its cluster fails alone.
 */
export async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineError(`${what} did not finish within ${formatSeconds(ms)}`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `promise`, unless `signal` aborts first (then its reason). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
