/** Runs at most `concurrency` tasks at once; the rest wait in arrival order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    running--;
    const next = waiting.shift();
    if (next) next();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        running++;
        let p: Promise<T>;
        try {
          p = task();
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(release);
      };
      if (running < concurrency) start();
      else waiting.push(start);
    });
}
