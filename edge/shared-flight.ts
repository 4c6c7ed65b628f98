/**
 * Requests in one isolate share one in-flight promise per key: many callers asking for the same
 * task while a query is under way cost the provider one request. The entry is dropped once it
 * settles, so a later call asks afresh.
 *
 * Two workerd facts shape it:
 * - A request whose only pending work is a promise that another request's I/O settles has, as
 *   far as workerd can tell, nothing left to wait for. Under sustained load the runtime
 *   cancels such requests as hung ("your Worker's code had hung", a 500 to 15 of 16
 *   concurrent callers of one task, reproduced in Miniflare after about 18,000 requests). A
 *   timer of its own keeps a joining caller waiting, and bounds its wait: past `maxWaitMs` it
 *   rejects with `onTimeout()`.
 * - A request that is cancelled (its client went away) can take its I/O with it, and then its
 *   promise never settles. An entry older than `maxWaitMs` is therefore taken as lost: the
 *   next caller runs the work again instead of joining it and timing out, request after
 *   request, for as long as the isolate lives.
 */
export function sharedFlight<K, V>(
  maxWaitMs: number,
  onTimeout: (key: K) => Error,
  now: () => number = Date.now,
): (key: K, run: () => Promise<V>) => Promise<V> {
  const inFlight = new Map<K, { promise: Promise<V>; startedAt: number }>();
  return (key, run) => {
    const entry = inFlight.get(key);
    if (!entry || now() - entry.startedAt >= maxWaitMs) {
      // The caller that runs the work waits on its own I/O: only those joining it need a timer.
      const promise = run().finally(() => {
        if (inFlight.get(key)?.promise === promise) inFlight.delete(key);
      });
      inFlight.set(key, { promise, startedAt: now() });
      return promise;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ownTimer = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout(key)), maxWaitMs);
    });
    return Promise.race([entry.promise, ownTimer]).finally(() => clearTimeout(timer));
  };
}
