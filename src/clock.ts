/** Time comes in from outside so tests and benchmarks can run minutes of polling in moments. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason the moment it aborts, and leaves no timer behind. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` after `ms`; the returned function cancels it. Cheaper than a sleep for deadlines. */
  schedule(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = clockAt(1, () => Date.now());

/** A clock running `factor` times faster than real time, for simulated minutes in tests and benches. */
export function acceleratedClock(factor: number, start = Date.now()): Clock {
  const origin = Date.now();
  return clockAt(factor, () => start + (Date.now() - origin) * factor);
}

/** The longest delay a timer holds: setTimeout fires anything longer after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function clockAt(factor: number, now: () => number): Clock {
  const schedule = (ms: number, fn: () => void) => {
    const delay = Math.max(0, ms / factor);
    if (delay <= MAX_TIMER_MS) {
      const timer = setTimeout(fn, delay);
      return () => clearTimeout(timer);
    }
    // A budget of weeks (or Number.MAX_SAFE_INTEGER for "no hurry") waits in steps instead.
    let left = delay;
    const step = () => {
      left -= MAX_TIMER_MS;
      timer = setTimeout(left > MAX_TIMER_MS ? step : fn, Math.min(left, MAX_TIMER_MS));
    };
    let timer = setTimeout(step, MAX_TIMER_MS);
    return () => clearTimeout(timer);
  };
  return {
    now,
    schedule,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          cancel();
          reject(signal?.reason);
        };
        const cancel = schedule(ms, () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
