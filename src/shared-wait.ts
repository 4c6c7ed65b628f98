import { stoppedBy } from './errors.ts';
import type { Task } from './task.ts';
import type { WaitOptions } from './wait-for-task.ts';

export interface SharedWaitOptions {
  /** Takes this waiter out; the shared loop stops only when its last waiter leaves. */
  signal?: AbortSignal | undefined;
  /** Called on every status change, and at once with the last known task when joining late. */
  onUpdate?: ((task: Task) => void) | undefined;
}

export interface SharedWait {
  /** Resolves with the done task, or rejects as `waitForTask` does, sharing one loop per id. */
  wait(id: string, options?: SharedWaitOptions): Promise<Task>;
  /** Ids with a loop running now. */
  readonly active: number;
}

type Wait = (id: string, options: Pick<WaitOptions, 'signal' | 'onUpdate'>) => Promise<Task>;

interface Waiter {
  onUpdate: SharedWaitOptions['onUpdate'];
  /** Takes this waiter out, rejecting its promise with `reason`. */
  leave: (reason: unknown) => void;
}

interface Entry {
  controller: AbortController;
  waiters: Set<Waiter>;
  last: Task | undefined;
  promise: Promise<Task>;
}

/**
 * Many people waiting for one task cost the provider one polling loop: the first waiter
 * starts it (`wait` is usually `client.waitForTask` with the caller's intervals), later
 * ones join it, and it is cancelled when the last one leaves.
 */
export function createSharedWait(wait: Wait): SharedWait {
  const entries = new Map<string, Entry>();

  const start = (id: string): Entry => {
    const controller = new AbortController();
    const entry = { controller, waiters: new Set(), last: undefined } as Omit<Entry, 'promise'> &
      Partial<Pick<Entry, 'promise'>>;
    const promise = Promise.resolve()
      .then(() =>
        wait(id, {
          signal: controller.signal,
          onUpdate: (task) => {
            entry.last = task;
            for (const waiter of entry.waiters) tell(waiter, task);
          },
        }),
      )
      .finally(() => {
        if (entries.get(id) === entry) entries.delete(id);
      });
    // Waiters may all have left; the loop's own ending must not be an unhandled rejection.
    promise.catch(() => {});
    const started: Entry = Object.assign(entry, { promise });
    entries.set(id, started);
    return started;
  };

  return {
    wait(id, options = {}) {
      const { signal } = options;
      if (signal?.aborted)
        return Promise.reject(stoppedBy(signal, `Stopped following task ${id}.`, id));
      const entry = entries.get(id) ?? start(id);
      return new Promise<Task>((resolve, reject) => {
        const onAbort = () => waiter.leave(stoppedBy(signal, `Stopped following task ${id}.`, id));
        const waiter: Waiter = {
          onUpdate: options.onUpdate,
          leave: (reason) => {
            signal?.removeEventListener('abort', onAbort);
            if (!entry.waiters.delete(waiter)) return;
            if (entry.waiters.size === 0) {
              if (entries.get(id) === entry) entries.delete(id);
              entry.controller.abort(reason);
            }
            reject(reason);
          },
        };
        entry.waiters.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (entry.last) tell(waiter, entry.last);
        entry.promise.then(
          (task) => {
            signal?.removeEventListener('abort', onAbort);
            entry.waiters.delete(waiter);
            resolve(task);
          },
          (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            entry.waiters.delete(waiter);
            reject(error);
          },
        );
      });
    },
    get active() {
      return entries.size;
    },
  };
}

/** One waiter's failing callback is its own problem: it must not end the loop the others share. */
function tell(waiter: Waiter, task: Task) {
  try {
    waiter.onUpdate?.(task);
  } catch (error) {
    waiter.leave(error);
  }
}
