import {
  type Clock,
  type ConcurrencyLimit,
  isJimengError,
  type JimengClient,
  type SharedWait,
  type Task,
} from '../../src/index.ts';
import type { Deliverer } from '../delivery/deliverer.ts';
import { postFinal } from '../delivery/final-post.ts';
import type { Logger } from '../log.ts';
import { failureReply } from '../replies/failure-reply.ts';
import { cannotAttachText, interruptedSubmitText, tooLargeText } from '../replies/messages.ts';
import type { ShareLinks } from '../replies/share-link.ts';
import { videoMessage } from '../replies/video-message.ts';
import { watchButton } from '../replies/watch-button.ts';
import { jobLogFields as fields, type Job } from './job.ts';
import { type JobProgress, showProgress } from './progress.ts';
import type { JobStore } from './store.ts';
import { submitJob } from './submit.ts';
import { waitWithin } from './wait-within.ts';

export interface JobLifecycleOptions {
  /** Submits and downloads. Its queries are not used: polling goes through `sharedWait`. */
  jimeng: JimengClient;
  /** One polling loop per task, whoever waits for it. */
  sharedWait: SharedWait;
  /** The cap on upstream requests in flight; submissions queue here and hear their place. */
  upstream: ConcurrencyLimit;
  /** A cap on videos held in memory at once. */
  downloads: ConcurrencyLimit;
  store: JobStore;
  deliverer: Deliverer;
  clock: Clock;
  logger: Logger;
  progressIntervalMs: number;
  /** How long this job waits for its task, from when it starts waiting, before giving up. */
  followTimeoutMs: number;
  downloadTimeoutMs?: number | undefined;
  edgePublicURL?: string | undefined;
  /** The edge's share links (EDGE_PUBLIC_URL with EDGE_API_KEY): a button under each video. */
  shareLinks?: ShareLinks | undefined;
}

/** True once the job has reached its end (delivered or told), even if a stop came meanwhile. */
export type RunJob = (job: Job, signal: AbortSignal, resumed: boolean) => Promise<boolean>;

/** One job from submit (or resume) through waiting and download to its final post. */
export function createJobLifecycle(options: JobLifecycleOptions): RunJob {
  return async (job, signal, resumed) => {
    const progress = showProgress(options, job);
    try {
      if (resumed && (await endsOnResume(options, job, progress))) return true;
      if (job.phase === 'submitting') {
        await submitJob(options, job, signal, (position) =>
          progress.show({ kind: 'submitting', position }),
        );
      }
      const task = await waitForTask(options, job, signal, progress);
      await deliverVideo(options, job, task, signal, progress);
    } catch (error) {
      if (signal.aborted) return false;
      await reportFailure(options, job, error, progress);
    } finally {
      await progress.close();
    }
    return true;
  };
}

/**
 * A resumed job with nothing left to do: already delivered, or cut off while submitting (told,
 * never sent again). True when it has ended.
 */
async function endsOnResume(
  options: JobLifecycleOptions,
  job: Job,
  progress: JobProgress,
): Promise<boolean> {
  const { deliverer, logger } = options;
  if (job.phase === 'delivering' && (await deliverer.replyIsFinal(job))) {
    await progress.close();
    logger('job_already_delivered', fields(job));
    return true;
  }
  if (job.phase === 'submitting' && job.submitSent !== false) {
    // Submitting is billed and not idempotent: never send it again on our own.
    await progress.close();
    await postFinal(options, job, { content: interruptedSubmitText() });
    logger('job_interrupted_submit', fields(job));
    return true;
  }
  return false;
}

/** Waits for the job's task to end, showing each status it passes. */
async function waitForTask(
  { sharedWait, clock, logger, followTimeoutMs }: JobLifecycleOptions,
  job: Job,
  signal: AbortSignal,
  progress: JobProgress,
): Promise<Task> {
  const taskId = job.taskId;
  if (!taskId) throw new Error(`Job ${job.id} has no task id.`);
  progress.show({ kind: 'following', status: null });
  const task = await waitWithin(sharedWait, clock, followTimeoutMs, taskId, {
    signal,
    onUpdate: (update) => {
      job.requestId = update.requestId ?? job.requestId;
      logger('task_status', { ...fields(job), status: update.upstreamStatus ?? update.status });
      progress.show({ kind: 'following', status: update.status });
    },
  });
  job.requestId = task.requestId ?? job.requestId;
  return task;
}

/** The video (or its link, when Discord will not take the file) as the job's final answer. */
async function deliverVideo(
  options: JobLifecycleOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
  progress: JobProgress,
): Promise<void> {
  const { clock, logger, edgePublicURL } = options;
  const doneAt = clock.now();
  progress.show({ kind: 'downloading' });
  // Asked while the video downloads; never rejects (a failure is logged and means no link).
  const sharing = options.shareLinks?.(task.id, signal);
  const message = await videoMessage({ ...options, shareUrl: sharing }, job, task, signal);
  const shareUrl = await sharing;
  await progress.close();
  await markDelivering(options.store, job);
  const delivery = await postFinal(options, job, message, (why) => ({
    content:
      why === 'too_large'
        ? tooLargeText(task, job.attachmentSizeLimit, edgePublicURL, shareUrl)
        : cannotAttachText(task, edgePublicURL, shareUrl),
    components: shareUrl ? watchButton(shareUrl) : undefined,
  }));
  logger('job_delivered', {
    ...fields(job),
    via: delivery.via,
    upload: Boolean(message.file),
    doneToPostedMs: clock.now() - doneAt,
  });
}

/** Logs why the job failed and tells the user, in words that fit how far it had got. */
async function reportFailure(
  options: JobLifecycleOptions,
  job: Job,
  error: unknown,
  progress: JobProgress,
): Promise<void> {
  const { store, logger } = options;
  await progress.close();
  logger('job_failed', {
    ...fields(job),
    code: isJimengError(error) ? error.code : 'internal',
    upstreamCode: isJimengError(error) ? error.upstreamCode : undefined,
    requestId: (isJimengError(error) && error.requestId) || job.requestId,
    message: error instanceof Error ? error.message : String(error),
  });
  try {
    const content = failureReply(job, error, progress.current);
    await markDelivering(store, job);
    await postFinal(options, job, { content });
  } catch (sendError) {
    logger('delivery_failed', {
      ...fields(job),
      message: sendError instanceof Error ? sendError.message : String(sendError),
    });
  }
}

/** Stored before the final post: a restart then checks the reply instead of posting again. */
async function markDelivering(store: JobStore, job: Job): Promise<void> {
  job.phase = 'delivering';
  await store.put(job).catch(() => {});
}
