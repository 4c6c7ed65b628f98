/**
 * The longest delay a platform timer honours (2^31-1 ms, 24.8 days): setTimeout fires anything
 * longer after 1 ms, so a "never" timeout would end at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs callbacks after a delay, all on one platform timer. Every query sets a 30-second cutoff
 * and clears it a millisecond later; on Node each such pair builds and drops a timer list, which
 * cost about a point of getTask's overhead. Here the timer stays armed for the earliest
 * callback and is re-armed only for an earlier one. Like separate timers, it keeps the process
 * alive only while a callback is pending.
 *
 * Only where timers are objects (Node, Bun, Deno 2.8+). Workers give numbers and tie each timer
 * to the request that set it: a timer shared with a later request never fires for it (workerd
 * then cancels that request as hung). There, and in browsers, each callback gets its own timer.
 */
export function timerQueue(): (delayMs: number, fn: () => void) => () => void {
  const pending = new Set<Entry>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedAt = Infinity;
  // Unknown until the first timer shows what kind this runtime gives.
  let shared: boolean | undefined;

  const arm = (at: number) => {
    clearTimeout(timer);
    const now = performance.now();
    // Past the longest delay a timer holds, it fires early, finds nothing due, and re-arms.
    // A time already past waits 0 ms (Bun warns about a negative delay).
    const delay = Math.max(0, Math.min(MAX_TIMER_MS, at - now));
    // Recorded only once set: workerd refuses a timer at global scope, and a time recorded for
    // a timer that never existed would leave later callbacks waiting for it.
    timer = setTimeout(fire, delay);
    armedAt = now + delay;
    shared ??= typeof timer === 'object';
  };
  /** Takes out an entry that was waiting, and says whether it was. */
  const remove = (entry: Entry) => {
    if (!pending.delete(entry)) return false;
    if (!pending.size) {
      // Nothing waits: a timer that can stop holding the process stays armed for the next
      // query; any other is cleared, as a separate timer would be.
      if (shared) (timer as NodeTimer).unref();
      else {
        clearTimeout(timer);
        armedAt = Infinity;
      }
    }
    return true;
  };
  const fire = () => {
    // The platform says the armed time has come, even if performance.now() lags a little
    // (Node starts a timer from the event loop's cached time).
    const now = Math.max(performance.now(), armedAt);
    armedAt = Infinity;
    // Those due run as separate timers would: in the order of their time, each on its own (one
    // that throws cannot stop the others), and only if still pending when its turn comes, so a
    // cancel from one run just before holds. Unlike separate timers, the promise reactions of
    // one run after the others due at the same fire.
    for (const entry of [...pending].sort((a, b) => a.at - b.at)) {
      if (entry.at > now) return arm(entry.at);
      queueMicrotask(() => remove(entry) && entry.fn());
    }
  };

  return (delayMs, fn) => {
    if (shared === false) return timerQueue()(delayMs, fn);
    // NaN waits no time, as setTimeout would: it must not wait forever.
    const entry = { at: performance.now() + (Math.max(delayMs, 0) || 0), fn };
    // Not `<`: with no timer armed (at Infinity), an endless delay must still arm one. The entry
    // goes in after, so a refused timer (see arm) leaves none behind.
    if (entry.at <= armedAt) arm(entry.at);
    else if (!pending.size) (timer as NodeTimer).ref();
    pending.add(entry);
    return () => {
      remove(entry);
    };
  };
}

type Entry = { at: number; fn: () => void };

/** What Node, Bun and Deno 2.8+ return from setTimeout. */
type NodeTimer = { ref(): void; unref(): void };
