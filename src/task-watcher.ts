import { stoppedBy } from './errors.ts';
import type { WaitOptions } from './poll.ts';
import type { Task } from './task.ts';

export interface FollowOptions {
  /** Leaves this follower out; the shared loop stops only when its last follower leaves. */
  signal?: AbortSignal | undefined;
  /** Called on every status change, and at once with the last known task when joining late. */
  onUpdate?: ((task: Task) => void) | undefined;
}

export interface TaskWatcher {
  /** Resolves with the done task, or rejects as `waitForTask` does, sharing one loop per id. */
  follow(id: string, options?: FollowOptions): Promise<Task>;
  /** Ids with a loop running now. */
  readonly watching: number;
}

type Wait = (id: string, options: Pick<WaitOptions, 'signal' | 'onUpdate'>) => Promise<Task>;

interface Follower {
  onUpdate: FollowOptions['onUpdate'];
  /** Takes this follower out, rejecting its promise with `reason`. */
  leave: (reason: unknown) => void;
}

interface Entry {
  controller: AbortController;
  followers: Set<Follower>;
  last: Task | undefined;
  promise: Promise<Task>;
}

/**
 * Many people following one task cost the provider one polling loop: the first follower
 * starts it (`wait` is usually `client.waitForTask` with the caller's intervals), later
 * ones join it, and it is cancelled when the last one leaves.
 */
export function createTaskWatcher(wait: Wait): TaskWatcher {
  const entries = new Map<string, Entry>();

  const start = (id: string): Entry => {
    const controller = new AbortController();
    const entry = { controller, followers: new Set(), last: undefined } as Omit<Entry, 'promise'> &
      Partial<Pick<Entry, 'promise'>>;
    const promise = Promise.resolve()
      .then(() =>
        wait(id, {
          signal: controller.signal,
          onUpdate: (task) => {
            entry.last = task;
            for (const follower of entry.followers) tell(follower, task);
          },
        }),
      )
      .finally(() => {
        if (entries.get(id) === entry) entries.delete(id);
      });
    // Followers may all have left; the loop's own ending must not be an unhandled rejection.
    promise.catch(() => {});
    const started: Entry = Object.assign(entry, { promise });
    entries.set(id, started);
    return started;
  };

  return {
    follow(id, options = {}) {
      const { signal } = options;
      if (signal?.aborted)
        return Promise.reject(stoppedBy(signal, `Stopped following task ${id}.`, id));
      const entry = entries.get(id) ?? start(id);
      return new Promise<Task>((resolve, reject) => {
        const onAbort = () =>
          follower.leave(stoppedBy(signal, `Stopped following task ${id}.`, id));
        const follower: Follower = {
          onUpdate: options.onUpdate,
          leave: (reason) => {
            signal?.removeEventListener('abort', onAbort);
            if (!entry.followers.delete(follower)) return;
            if (entry.followers.size === 0) {
              if (entries.get(id) === entry) entries.delete(id);
              entry.controller.abort(reason);
            }
            reject(reason);
          },
        };
        entry.followers.add(follower);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (entry.last) tell(follower, entry.last);
        entry.promise.then(
          (task) => {
            signal?.removeEventListener('abort', onAbort);
            entry.followers.delete(follower);
            resolve(task);
          },
          (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            entry.followers.delete(follower);
            reject(error);
          },
        );
      });
    },
    get watching() {
      return entries.size;
    },
  };
}

/** One follower's failing callback is its own problem: it must not end the loop the others share. */
function tell(follower: Follower, task: Task) {
  try {
    follower.onUpdate?.(task);
  } catch (error) {
    follower.leave(error);
  }
}
