import type { Job } from './job.ts';

export interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

/** The jobs being followed now, and who is waiting for there to be none. */
export interface RunningJobs {
  has(jobId: string): boolean;
  add(entry: Running): void;
  /** Forgets the job; the last one out wakes every `idle()` waiter. */
  remove(jobId: string): void;
  entries(): Running[];
  jobs(): Job[];
  readonly size: number;
  /** Resolves once no job is running. */
  idle(): Promise<void>;
}

export function createRunningJobs(): RunningJobs {
  const running = new Map<string, Running>();
  let idleWaiters: (() => void)[] = [];
  return {
    has: (jobId) => running.has(jobId),
    add(entry) {
      running.set(entry.job.id, entry);
    },
    remove(jobId) {
      running.delete(jobId);
      if (running.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    },
    entries: () => [...running.values()],
    jobs: () => [...running.values()].map(({ job }) => job),
    get size() {
      return running.size;
    },
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
