import type { Job } from '../../bot/jobs/job.ts';
import type { JobStore } from '../../bot/jobs/store.ts';

export interface HeldJobStore {
  store: JobStore;
  /** Resolves with the job once its first matching write is being held. */
  reached: Promise<Job>;
  /** Lets the held write (and every later one) through. */
  release(): void;
}

/**
 * Wraps a store so the first write `when` picks waits (after landing) until `release()`: a slow
 * disk, held at an exact point without sleeping.
 */
export function holdJobWrite(inner: JobStore, when: (job: Job) => boolean): HeldJobStore {
  let reach: (job: Job) => void = () => {};
  const reached = new Promise<Job>((resolve) => {
    reach = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held = false;
  return {
    store: {
      ...inner,
      async put(job) {
        // The snapshot the write is for: the job object goes on changing meanwhile.
        const matches = !held && when(job);
        await inner.put(job);
        if (!matches) return;
        held = true;
        reach(structuredClone(job));
        await released;
      },
    },
    reached,
    release,
  };
}
