/**
 * Shares one in-flight promise per key: many callers asking for the same task while a query
 * is under way cost the provider one request. The entry is dropped as soon as it settles, so
 * nothing is held afterwards and a later call asks afresh.
 */
export function singleFlight<K, V>(): (key: K, run: () => Promise<V>) => Promise<V> {
  const inFlight = new Map<K, Promise<V>>();
  return (key, run) => {
    const existing = inFlight.get(key);
    if (existing) return existing;
    const promise = run().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };
}
