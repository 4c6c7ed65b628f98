/** Time comes in from outside so tests and benchmarks can run minutes of polling in moments. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason the moment it aborts, and leaves no timer behind. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepWith(ms, signal, 1),
};

/** A clock running `factor` times faster than real time, for simulated minutes in tests and benches. */
export function acceleratedClock(factor: number, start = Date.now()): Clock {
  const origin = Date.now();
  return {
    now: () => start + (Date.now() - origin) * factor,
    sleep: (ms, signal) => sleepWith(ms, signal, factor),
  };
}

function sleepWith(ms: number, signal: AbortSignal | undefined, factor: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms / factor),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
