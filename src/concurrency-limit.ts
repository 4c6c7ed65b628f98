import { AbortedError } from './errors.ts';

export interface ConcurrencyLimit {
  /**
   * Runs `task` once fewer than `max` are running, in arrival order. `onQueued` hears the
   * caller's 1-based place in line when it has to wait, and again each time the line moves.
   */
  run<T>(task: () => Promise<T>, options?: RunOptions): Promise<T>;
  readonly active: number;
  readonly queued: number;
  /** The most ever running at once: what a benchmark checks against `max`. */
  readonly peak: number;
}

export interface RunOptions {
  signal?: AbortSignal | undefined;
  onQueued?: ((position: number) => void) | undefined;
}

interface Waiter {
  start: () => void;
  onQueued: ((position: number) => void) | undefined;
}

/**
 * A cap on work in flight, e.g. requests to a provider that answers 50430 past its
 * concurrency limit. Waiters that give up (their signal aborts) leave the line at once.
 */
export function createConcurrencyLimit(max: number): ConcurrencyLimit {
  if (!(Number.isInteger(max) && max >= 1)) {
    throw new RangeError(`A concurrency limit must be a positive integer, got ${max}.`);
  }
  let active = 0;
  let peak = 0;
  const line: Waiter[] = [];

  const release = () => {
    active--;
    const next = line.shift();
    if (next) {
      next.start();
      for (const [index, waiter] of line.entries()) waiter.onQueued?.(index + 1);
    }
  };

  const begin = <T>(task: () => Promise<T>): Promise<T> => {
    active++;
    peak = Math.max(peak, active);
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.finally(release);
  };

  return {
    run(task, { signal, onQueued } = {}) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      if (active < max && line.length === 0) return begin(task);
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const index = line.indexOf(waiter);
          if (index >= 0) line.splice(index, 1);
          reject(abortError(signal));
        };
        const waiter: Waiter = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            begin(task).then(resolve, reject);
          },
          onQueued,
        };
        line.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        onQueued?.(line.length);
      });
    },
    get active() {
      return active;
    },
    get queued() {
      return line.length;
    },
    get peak() {
      return peak;
    },
  };
}

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new AbortedError('Cancelled while waiting for a free slot.');
}
