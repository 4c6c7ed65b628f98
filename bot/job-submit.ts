import type { ConcurrencyLimit, JimengClient } from '../src/index.ts';
import type { Job } from './job.ts';
import { jobLogFields } from './job-log-fields.ts';
import type { JobStore } from './job-store.ts';
import type { Logger } from './log.ts';

export interface JobSubmitOptions {
  jimeng: JimengClient;
  /** The cap on upstream requests in flight; submissions queue here and hear their place. */
  upstream: ConcurrencyLimit;
  store: JobStore;
  logger: Logger;
}

/**
 * Sends a `create` job's request to the provider and stores the task id it gets back, so the
 * job is followed (never submitted again) from then on.
 */
export async function submitJob(
  { jimeng, upstream, store, logger }: JobSubmitOptions,
  job: Job,
  signal: AbortSignal,
  onQueued: (position: number) => void,
): Promise<void> {
  const request = job.create;
  if (!request) throw new Error(`Job ${job.id} has nothing to submit.`);
  const created = await upstream.run(
    () =>
      jimeng.createVideo(
        {
          prompt: request.prompt,
          aspectRatio: request.aspectRatio,
          seed: request.seed,
          imageUrls: request.imageUrl ? [request.imageUrl] : undefined,
        },
        { signal },
      ),
    { signal, onQueued },
  );
  job.taskId = created.taskId;
  job.requestId = created.requestId;
  job.phase = 'following';
  await store.put(job);
  logger('task_submitted', jobLogFields(job));
}
