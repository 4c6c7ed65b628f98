import {
  type Clock,
  type ConcurrencyLimit,
  isJimengError,
  type JimengClient,
  MAX_TIMER_MS,
  type SharedWait,
  type SharedWaitOptions,
  type Task,
  TimeoutError,
} from '../src/index.ts';
import { missingPermissions } from './channel-permissions.ts';
import type { Deliverer } from './deliverer.ts';
import { failureReply } from './failure-reply.ts';
import { type LinkReason, postFinal } from './final-post.ts';
import type { Job } from './job.ts';
import { jobLogFields as fields } from './job-log-fields.ts';
import type { JobStore } from './job-store.ts';
import { submitJob } from './job-submit.ts';
import type { Logger } from './log.ts';
import {
  cannotAttachText,
  interruptedSubmitText,
  missingPermissionsText,
  type Progress,
  progressText,
  tooLargeText,
} from './messages.ts';
import { createProgressReporter } from './progress-reporter.ts';
import { videoMessage } from './video-message.ts';

export interface JobLifecycleOptions {
  /** Submits and downloads. Its queries are not used: polling goes through `watcher`. */
  jimeng: JimengClient;
  /** One polling loop per task, whoever follows it. */
  watcher: SharedWait;
  /** The cap on upstream requests in flight; submissions queue here and hear their place. */
  upstream: ConcurrencyLimit;
  /** A cap on videos held in memory at once. */
  downloads: ConcurrencyLimit;
  store: JobStore;
  deliverer: Deliverer;
  clock: Clock;
  logger: Logger;
  progressIntervalMs: number;
  /** How long this job follows its task, from when it starts following, before giving up. */
  followTimeoutMs: number;
  downloadTimeoutMs?: number | undefined;
  edgePublicURL?: string | undefined;
}

/** True once the job has reached its end (delivered or told), even if a stop came meanwhile. */
export type RunJob = (job: Job, signal: AbortSignal, resumed: boolean) => Promise<boolean>;

/** One job from submit (or resume) through following and download to its final post. */
export function createJobLifecycle(options: JobLifecycleOptions): RunJob {
  const { watcher, store, deliverer, clock, logger } = options;

  return async (job, signal, resumed) => {
    const state: { progress: Progress; note?: string | undefined } = {
      progress:
        job.phase === 'submitting'
          ? { kind: 'submitting', position: null }
          : { kind: 'following', status: null },
    };
    const missing = missingPermissions(job, true);
    if (missing.length > 0) {
      state.note = missingPermissionsText(job.taskId, missing);
      logger('channel_permissions_missing', { ...fields(job), missing: missing.join(', ') });
    }
    const reporter = createProgressReporter({
      clock,
      minIntervalMs: options.progressIntervalMs,
      render: () =>
        progressText(job.taskId, state.progress, clock.now() - job.createdAt, state.note),
      send: (text) => deliverer.editReply(job, text),
    });
    // Stored before the final post: a restart then checks the reply instead of posting again.
    const markDelivering = async () => {
      job.phase = 'delivering';
      await store.put(job).catch(() => {});
    };
    try {
      if (resumed && job.phase === 'delivering' && (await deliverer.replyIsFinal(job))) {
        await reporter.close();
        logger('job_already_delivered', fields(job));
        return true;
      }
      if (job.phase === 'submitting') {
        if (resumed && job.submitSent !== false) {
          // Submitting is billed and not idempotent: never send it again on our own.
          await reporter.close();
          await postFinal(options, job, { content: interruptedSubmitText() });
          logger('job_interrupted_submit', fields(job));
          return true;
        }
        await submitJob(options, job, signal, (position) => {
          state.progress = { kind: 'submitting', position };
          reporter.update();
        });
      }
      const taskId = job.taskId;
      if (!taskId) throw new Error(`Job ${job.id} has no task id.`);
      state.progress = { kind: 'following', status: null };
      reporter.update();
      const task = await followWithin(watcher, clock, options.followTimeoutMs, taskId, {
        signal,
        onUpdate: (update) => {
          job.requestId = update.requestId ?? job.requestId;
          state.progress = { kind: 'following', status: update.status };
          logger('task_status', { ...fields(job), status: update.upstreamStatus ?? update.status });
          reporter.update();
        },
      });
      const doneAt = clock.now();
      job.requestId = task.requestId ?? job.requestId;
      state.progress = { kind: 'downloading' };
      reporter.update();
      const message = await videoMessage(options, job, task, signal);
      await reporter.close();
      await markDelivering();
      const linkOnly = (why: LinkReason) => ({
        content:
          why === 'too_large'
            ? tooLargeText(task, job.attachmentSizeLimit, options.edgePublicURL)
            : cannotAttachText(task, options.edgePublicURL),
      });
      const delivery = await postFinal(options, job, message, linkOnly);
      logger('job_delivered', {
        ...fields(job),
        via: delivery.via,
        upload: Boolean(message.file),
        doneToPostedMs: clock.now() - doneAt,
      });
    } catch (error) {
      if (signal.aborted) return false;
      await reporter.close();
      logger('job_failed', {
        ...fields(job),
        code: isJimengError(error) ? error.code : 'internal',
        upstreamCode: isJimengError(error) ? error.upstreamCode : undefined,
        requestId: (isJimengError(error) && error.requestId) || job.requestId,
        message: error instanceof Error ? error.message : String(error),
      });
      try {
        const content = failureReply(job, error, state.progress);
        await markDelivering();
        await postFinal(options, job, { content });
      } catch (sendError) {
        logger('delivery_failed', {
          ...fields(job),
          message: sendError instanceof Error ? sendError.message : String(sendError),
        });
      }
    } finally {
      await reporter.close();
    }
    return true;
  };
}

/**
 * Follows the task for this job's own `timeoutMs`, then leaves the shared loop with a
 * `TimeoutError`; the loop itself goes on for anyone who joined later.
 */
async function followWithin(
  watcher: SharedWait,
  clock: Clock,
  timeoutMs: number,
  taskId: string,
  { signal, onUpdate }: SharedWaitOptions & { signal: AbortSignal },
): Promise<Task> {
  const leave = new AbortController();
  // The provider's last answer: its request id goes with a timeout, as the user's reply shows it.
  let requestId: string | undefined;
  const onStop = () => leave.abort(signal.reason);
  if (signal.aborted) onStop();
  else signal.addEventListener('abort', onStop, { once: true });
  // A timer past 2^31-1 ms would fire at once: that long means no limit of this job's own.
  const cancel =
    timeoutMs > MAX_TIMER_MS
      ? () => {}
      : clock.schedule(timeoutMs, () =>
          leave.abort(
            new TimeoutError(
              `Stopped waiting for task ${taskId} after ${Math.round(timeoutMs / 60_000)} min. The task may still finish: query it again later.`,
              { taskId, requestId },
            ),
          ),
        );
  try {
    return await watcher.wait(taskId, {
      signal: leave.signal,
      onUpdate: (task) => {
        requestId = task.requestId ?? requestId;
        onUpdate?.(task);
      },
    });
  } finally {
    cancel();
    signal.removeEventListener('abort', onStop);
  }
}
