import {
  type Clock,
  type ConcurrencyLimit,
  isJimengError,
  type JimengClient,
  type Task,
  type TaskWatcher,
} from '../src/index.ts';
import {
  AttachmentTooLargeError,
  type Deliverer,
  type Delivery,
  missingPermissions,
  type OutgoingMessage,
} from './deliverer.ts';
import type { Job } from './job.ts';
import type { JobStore } from './job-store.ts';
import type { Logger } from './log.ts';
import {
  alreadyFollowingText,
  deliveredText,
  failureText,
  interruptedSubmitText,
  missingPermissionsText,
  type Progress,
  progressText,
  providerSilentText,
  submitUncertainText,
  tooLargeText,
  userCapText,
} from './messages.ts';
import { createProgressReporter } from './progress-reporter.ts';

export interface JobRunnerOptions {
  /** Submits and downloads. Its queries are not used: polling goes through `watcher`. */
  jimeng: JimengClient;
  /** One polling loop per task, whoever follows it. */
  watcher: TaskWatcher;
  /** The cap on upstream requests in flight; submissions queue here and hear their place. */
  upstream: ConcurrencyLimit;
  /** A cap on videos held in memory at once. */
  downloads: ConcurrencyLimit;
  store: JobStore;
  deliverer: Deliverer;
  clock: Clock;
  logger: Logger;
  maxJobsPerUser: number;
  progressIntervalMs: number;
  downloadTimeoutMs?: number | undefined;
  edgePublicURL?: string | undefined;
}

/**
 * An admitted command holds its place under the per-user cap until its job is started (or it
 * gives up): `release` ends that hold. Without it, commands sent together would all be
 * admitted while the first was still deferring.
 */
export type Admission = { ok: true; release: () => void } | { ok: false; text: string };

type Claim = Pick<Job, 'userId'> & { taskId: string | null; channelId: string | undefined };

export interface JobRunner {
  /** Whether this user may start another job (and is not already following this task here). */
  admit(userId: string, taskId?: string, channelId?: string): Admission;
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

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { jimeng, watcher, upstream, downloads, store, deliverer, clock, logger } = options;
  const running = new Map<string, Running>();
  const admitted = new Set<Claim>();
  let idleWaiters: (() => void)[] = [];

  const fields = (job: Job) => ({
    jobId: job.id,
    taskId: job.taskId,
    requestId: job.requestId,
    userId: job.userId,
  });

  const finish = async (job: Job, message: OutgoingMessage, fallback?: OutgoingMessage) => {
    let delivery: Delivery;
    try {
      delivery = await deliverer.deliver(job, message);
    } catch (error) {
      if (!(error instanceof AttachmentTooLargeError) || !fallback) throw error;
      logger('upload_refused_too_large', fields(job));
      delivery = await deliverer.deliver(job, fallback);
    }
    if (delivery.via === 'nowhere') {
      logger('delivery_blocked', {
        ...fields(job),
        reason: delivery.reason,
        missing: delivery.missing.join(', '),
      });
    }
    return delivery;
  };

  /** True once the job has reached its end (delivered or told), even if a stop came meanwhile. */
  const run = async (job: Job, signal: AbortSignal, resumed: boolean): Promise<boolean> => {
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
        if (resumed) {
          // Submitting is billed and not idempotent: never send it again on our own.
          await reporter.close();
          await finish(job, { content: interruptedSubmitText() });
          logger('job_interrupted_submit', fields(job));
          return true;
        }
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
          {
            signal,
            onQueued: (position) => {
              state.progress = { kind: 'submitting', position };
              reporter.update();
            },
          },
        );
        job.taskId = created.taskId;
        job.requestId = created.requestId;
        job.phase = 'following';
        await store.put(job);
        logger('task_submitted', fields(job));
      }
      const taskId = job.taskId;
      if (!taskId) throw new Error(`Job ${job.id} has no task id.`);
      state.progress = { kind: 'following', status: null };
      reporter.update();
      const task = await watcher.follow(taskId, {
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
      const message = await videoMessage(job, task, signal);
      await reporter.close();
      await markDelivering();
      const linkOnly = {
        content: tooLargeText(task, job.attachmentSizeLimit, options.edgePublicURL),
      };
      const delivery = await finish(job, message, linkOnly);
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
        const silent =
          isJimengError(error) &&
          error.code === 'timeout' &&
          state.progress.kind === 'following' &&
          state.progress.status === null;
        // Without a task id the failure was the submit itself: say whether it may have landed.
        const uncertain =
          job.taskId === null &&
          isJimengError(error) &&
          (error.code === 'timeout' || error.code === 'upstream_error');
        const content = uncertain
          ? submitUncertainText(error)
          : silent
            ? providerSilentText(job.taskId)
            : failureText(job.taskId, error);
        await markDelivering();
        await finish(job, { content });
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

  /** The video as an `<taskId>.mp4` attachment, or the link when it is over the guild's limit. */
  const videoMessage = async (
    job: Job,
    task: Task,
    signal: AbortSignal,
  ): Promise<OutgoingMessage> => {
    try {
      const video = await downloads.run(
        () =>
          jimeng.downloadVideo(task, {
            maxBytes: job.attachmentSizeLimit,
            signal,
            timeoutMs: options.downloadTimeoutMs,
          }),
        { signal },
      );
      logger('video_downloaded', { ...fields(job), bytes: video.size });
      return {
        content: deliveredText(task, job.create?.prompt),
        // Discord plays an attachment inline only when its name ends in .mp4.
        file: { name: `${task.id}.mp4`, data: video.bytes, contentType: 'video/mp4' },
      };
    } catch (error) {
      if (!(isJimengError(error) && error.code === 'too_large')) throw error;
      logger('video_too_large', { ...fields(job), limit: job.attachmentSizeLimit });
      return { content: tooLargeText(task, job.attachmentSizeLimit, options.edgePublicURL) };
    }
  };

  const launch = (job: Job, resumed: boolean) => {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    running.set(job.id, entry);
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
      .finally(() => {
        running.delete(job.id);
        if (running.size === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
  };

  let stopping = false;
  return {
    admit(userId, taskId, channelId) {
      let count = 0;
      const claims: Claim[] = [...[...running.values()].map(({ job }) => job), ...admitted];
      for (const job of claims) {
        if (job.userId !== userId) continue;
        if (taskId && job.taskId === taskId && job.channelId === channelId) {
          return { ok: false, text: alreadyFollowingText(taskId) };
        }
        count++;
      }
      if (count >= options.maxJobsPerUser) {
        logger('job_refused', { userId, taskId, reason: 'per-user cap', active: count });
        return { ok: false, text: userCapText(options.maxJobsPerUser) };
      }
      const claim: Claim = { userId, taskId: taskId ?? null, channelId };
      admitted.add(claim);
      return { ok: true, release: () => admitted.delete(claim) };
    },
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
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopping = true;
      const all = [...running.values()];
      for (const { controller } of all) controller.abort(new Error('The bot is stopping.'));
      await Promise.all(all.map((entry) => entry.done));
      await store.flush();
    },
  };
}
