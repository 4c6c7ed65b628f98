import { stoppedBy } from './errors.ts';

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
  /** Takes the waiter out of line, rejecting its run with `reason`. */
  leave: (reason: unknown) => void;
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
      // A waiter that leaves while told moves the rest up: the next one takes its index.
      for (let index = 0; index < line.length; index++) {
        if (!tell(line[index] as Waiter, index + 1)) index--;
      }
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
      if (signal?.aborted)
        return Promise.reject(stoppedBy(signal, 'Cancelled while waiting for a free slot.'));
      if (active < max && line.length === 0) return begin(task);
      return new Promise((resolve, reject) => {
        const onAbort = () =>
          waiter.leave(stoppedBy(signal, 'Cancelled while waiting for a free slot.'));
        const waiter: Waiter = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            begin(task).then(resolve, reject);
          },
          onQueued,
          leave: (reason) => {
            signal?.removeEventListener('abort', onAbort);
            const index = line.indexOf(waiter);
            if (index >= 0) line.splice(index, 1);
            reject(reason);
          },
        };
        line.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        tell(waiter, line.length);
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

/**
 * A waiter's failing onQueued is its own: it leaves the line with that error (its task never
 * runs), rather than failing the task whose end moved the line, or running after its caller
 * was told it failed. Returns whether the waiter is still in line.
 */
function tell(waiter: Waiter, position: number): boolean {
  try {
    waiter.onQueued?.(position);
    return true;
  } catch (error) {
    waiter.leave(error);
    return false;
  }
}
