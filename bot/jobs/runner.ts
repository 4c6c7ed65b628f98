import { type Admit, createJobAdmission } from './admission.ts';
import { jobLogFields as fields, type Job } from './job.ts';
import { createJobLifecycle, type JobLifecycleOptions } from './lifecycle.ts';
import { createRunningJobs, type Running } from './running-jobs.ts';

export interface JobRunnerOptions extends JobLifecycleOptions {
  maxJobsPerUser: number;
}

export interface JobRunner {
  admit: Admit;
  /** Stores the job, then follows it to the end in the background. */
  start(job: Job): Promise<void>;
  /** Picks up every stored job: the interaction while its token lives, the channel after. */
  resume(): Promise<number>;
  readonly active: number;
  /** Resolves once no job is running. */
  idle(): Promise<void>;
  /** Stops following (jobs stay stored for the next start) and waits for pending writes. */
  stop(): Promise<void>;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store, logger } = options;
  const running = createRunningJobs();
  const admit = createJobAdmission({
    maxJobsPerUser: options.maxJobsPerUser,
    logger,
    runningJobs: () => running.jobs(),
  });
  const run = createJobLifecycle(options);

  const launch = (job: Job, resumed: boolean) => {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    running.add(entry);
    logger(resumed ? 'job_resumed' : 'job_started', { ...fields(job), kind: job.kind });
    entry.done = run(job, controller.signal, resumed)
      .catch((error: unknown) => {
        logger('job_crashed', {
          ...fields(job),
          message: error instanceof Error ? error.message : String(error),
        });
        return !controller.signal.aborted;
      })
      .then(async (ended) => {
        // A stop during the final post must not keep a delivered job: it would be posted again.
        if (ended) await store.remove(job.id).catch(() => {});
      })
      .finally(() => running.remove(job.id));
  };

  let stopping = false;
  return {
    admit,
    async start(job) {
      if (running.has(job.id)) return;
      await store.put(job);
      // Stored, so the next start resumes it; a runner that is stopping launches nothing more.
      if (!stopping) launch(job, false);
    },
    async resume() {
      const jobs = await store.list();
      for (const job of jobs) if (!running.has(job.id)) launch(job, true);
      return jobs.length;
    },
    get active() {
      return running.size;
    },
    idle: () => running.idle(),
    async stop() {
      stopping = true;
      const all = running.entries();
      for (const { controller } of all) controller.abort(new Error('The bot is stopping.'));
      await Promise.all(all.map((entry) => entry.done));
      await store.flush();
    },
  };
}
