import type { Clock, ConcurrencyLimit, JimengClient } from '../../src/index.ts';
import type { Logger } from '../log.ts';
import { createVideoOptions, type Job, jobLogFields } from './job.ts';
import type { JobStore } from './store.ts';

export interface JobSubmitOptions {
  jimeng: JimengClient;
  /** The cap on upstream requests in flight; submissions queue here and hear their place. */
  upstream: ConcurrencyLimit;
  store: JobStore;
  logger: Logger;
  clock: Clock;
  /**
   * How long a submit already sent may still run once the bot is stopping. Cut short, the
   * provider may create (and bill) the task without its id ever reaching us; given a moment,
   * the id is stored and the next start follows the task. Default 3 s, inside `main.ts`'s grace.
   */
  submitGraceMs?: number | undefined;
}

/**
 * Sends a `create` job's request to the provider and stores the task id it gets back, so the
 * job is followed (never submitted again) from then on. A stop (`signal`) ends a wait for a
 * slot, or the write just before sending, with nothing sent; a request already sent is only
 * cut after `submitGraceMs`.
 */
export async function submitJob(
  { jimeng, upstream, store, logger, clock, submitGraceMs = 3_000 }: JobSubmitOptions,
  job: Job,
  signal: AbortSignal,
  onQueued: (position: number) => void,
): Promise<void> {
  const request = job.create;
  if (!request) throw new Error(`Job ${job.id} has nothing to submit.`);
  const sent = new AbortController();
  const settled = new AbortController();
  const cutAfterGrace = () => {
    clock.sleep(submitGraceMs, settled.signal).then(
      () => sent.abort(signal.reason),
      () => {},
    );
  };
  signal.addEventListener('abort', cutAfterGrace, { once: true });
  try {
    const created = await upstream.run(
      async () => {
        job.submitSent = true;
        await store.put(job);
        // A stop that came during that write: nothing has left yet, so nothing goes. Stored
        // as unsent again, the job is submitted by the next start rather than written off.
        if (signal.aborted) {
          job.submitSent = false;
          await store.put(job);
          throw signal.reason;
        }
        return jimeng.createVideo(createVideoOptions(request), { signal: sent.signal });
      },
      { signal, onQueued },
    );
    job.taskId = created.taskId;
    job.requestId = created.requestId;
    job.phase = 'following';
    await store.put(job);
    logger('task_submitted', jobLogFields(job));
  } finally {
    signal.removeEventListener('abort', cutAfterGrace);
    settled.abort();
  }
}
