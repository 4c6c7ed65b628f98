import { timerQueue } from './timer-queue.ts';

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

function clockAt(factor: number, now: () => number): Clock {
  const queue = timerQueue();
  const schedule = (ms: number, fn: () => void) => queue(ms / factor, fn);
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
