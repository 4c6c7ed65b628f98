import { singleFlight } from '../src/index.ts';

/**
 * `singleFlight` for a Worker: requests in one isolate share one in-flight promise per key.
 *
 * A request whose only pending work is a promise that another request's I/O settles has, as
 * far as workerd can tell, nothing left to wait for. Under sustained load the runtime cancels
 * such requests as hung ("your Worker's code had hung", a 500 to 15 of 16 concurrent callers
 * of one task, reproduced in Miniflare after about 18,000 requests). A timer of its own keeps
 * a joining caller waiting, and bounds its wait: past `maxWaitMs` it rejects with `onTimeout()`.
 */
export function sharedFlight<K, V>(
  maxWaitMs: number,
  onTimeout: (key: K) => Error,
): (key: K, run: () => Promise<V>) => Promise<V> {
  const flight = singleFlight<K, V>();
  return (key, run) => {
    let leading = false;
    const shared = flight(key, () => {
      leading = true;
      return run();
    });
    // The caller that runs the query waits on its own I/O: only those joining it need a timer.
    if (leading) return shared;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ownTimer = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout(key)), maxWaitMs);
    });
    return Promise.race([shared, ownTimer]).finally(() => clearTimeout(timer));
  };
}
