import { singleFlight } from '../src/index.ts';

/**
 * `singleFlight` for a Worker: requests in one isolate share one in-flight promise per key.
 *
 * A request whose only pending work is a promise that another request's I/O settles has, as
 * far as workerd can tell, nothing left to wait for. Under sustained load the runtime cancels
 * such requests as hung ("your Worker's code had hung", a 500 to 15 of 16 concurrent callers
 * of one task, reproduced in Miniflare after about 18,000 requests). A timer of each caller's
 * own keeps it waiting, and bounds the wait: past `maxWaitMs` it rejects with `onTimeout()`.
 */
export function sharedFlight<K, V>(
  maxWaitMs: number,
  onTimeout: (key: K) => Error,
): (key: K, run: () => Promise<V>) => Promise<V> {
  const flight = singleFlight<K, V>();
  return (key, run) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ownTimer = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout(key)), maxWaitMs);
    });
    return Promise.race([flight(key, run), ownTimer]).finally(() => clearTimeout(timer));
  };
}
