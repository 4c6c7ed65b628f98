import { missingPermissions } from '../../bot/delivery/channel-permissions.ts';
import {
  type Deliverer,
  type OutgoingMessage,
  TOKEN_MARGIN_MS,
} from '../../bot/delivery/deliverer.ts';
import { type LinkReason, postFinal } from '../../bot/delivery/final-post.ts';
import { jobLogFields as fields } from '../../bot/jobs/job.ts';
import { stoppedWaitingError } from '../../bot/jobs/wait-within.ts';
import type { Logger } from '../../bot/log.ts';
import { failureReply } from '../../bot/replies/failure-reply.ts';
import {
  cannotAttachText,
  missingPermissionsText,
  progressText,
  tokenEndingText,
  tooLargeText,
} from '../../bot/replies/messages.ts';
import { type VideoMessageOptions, videoMessage } from '../../bot/replies/video-message.ts';
import { watchButton } from '../../bot/replies/watch-button.ts';
import type { Clock, Task, TaskStatus, TimeoutError } from '../../src/index.ts';
import { ANSWER_GRACE_MS, FAREWELL_LEAD_MS, type InteractionJob } from './interaction-job.ts';

export interface InteractionJobsOptions {
  deliverer: Deliverer;
  clock: Clock;
  logger: Logger;
  /** Fewest milliseconds between two edits of one reply. */
  progressIntervalMs: number;
  /** Whether anything can post in the channel once the token is gone (DISCORD_TOKEN is set). */
  canPostInChannel: boolean;
  /** Downloads (and one fresh query for a dead link), as the gateway bot does them. */
  video: Omit<VideoMessageOptions, 'logger' | 'edgePublicURL' | 'shareUrl'>;
  /**
   * Joins concurrent composings of the same message (the video of one task, for one upload
   * limit): a follower settles its jobs in parallel attempts, which then share one download.
   */
  shareVideo?:
    | ((key: string, compose: () => Promise<OutgoingMessage>) => Promise<OutgoingMessage>)
    | undefined;
  /** The task's watch page, signed (EDGE_SHARE_SECRET): a button under the video, and its link. */
  shareUrl?: ((job: InteractionJob) => Promise<string | undefined>) | undefined;
  /** The edge URL people can open without a key, for permanent video links; else undefined. */
  edgePublicURL(job: InteractionJob): string | undefined;
  save(job: InteractionJob): Promise<void>;
  /** The job is over: delivered, told, or given up on. */
  remove(job: InteractionJob): Promise<void>;
}

/**
 * How following ended for these jobs: the done task (and when the follower saw it done), or
 * the error that ended it: a failed, missing or expired task, a refusal, a timeout.
 */
export type Outcome = { done: Task; seenAt?: number | undefined } | { error: unknown };

export interface InteractionJobs {
  /**
   * News of the task (or none): edits the reply when its text changed and the interval allows.
   * Resolves to when the job next has something to do with no news: a change held back by the
   * interval, the last edit before the token dies, the end of its time.
   */
  update(job: InteractionJob, status?: TaskStatus | null): Promise<number>;
  /** Whether the job has followed its task for as long as it may. */
  timedOut(job: InteractionJob): boolean;
  /**
   * The final answer of each job, exactly once: the video is downloaded once per upload limit,
   * each job is marked `delivering` before its post and removed after it. Rejects (after trying
   * every job) when a post failed for a reason worth another try; delivered jobs stay done.
   */
  settle(jobs: InteractionJob[], outcome: Outcome): Promise<void>;
  /** A final answer of the job's own (a submit that failed), with the same exactly-once marks. */
  tell(job: InteractionJob, content: string): Promise<void>;
}

/**
 * Discord jobs driven by a task follower's alarms: every decision is made from the stored job
 * and the clock, never from a timer, so any alarm, in any isolate, after any restart, carries
 * a job on where the last one left it.
 */
export function createInteractionJobs(options: InteractionJobsOptions): InteractionJobs {
  const { deliverer, clock, logger, progressIntervalMs, canPostInChannel, save, remove } = options;
  const shareVideo = options.shareVideo ?? ((_key, compose) => compose());

  const farewellAt = (job: InteractionJob) =>
    job.tokenExpiresAt - TOKEN_MARGIN_MS - FAREWELL_LEAD_MS;
  const farewellDue = (job: InteractionJob, now: number) =>
    !canPostInChannel && now >= farewellAt(job);

  const render = (job: InteractionJob, now: number, farewell: { shareUrl?: string } | false) => {
    let note: string | undefined;
    if (farewell) {
      note = tokenEndingText(job.taskId ?? '', options.edgePublicURL(job), farewell.shareUrl);
    } else if (canPostInChannel) {
      const missing = missingPermissions(job, true);
      if (missing.length > 0) note = missingPermissionsText(job.taskId, missing);
    }
    const progress = { kind: 'following' as const, status: job.status };
    return progressText(job.taskId, progress, now - job.createdAt, note);
  };

  /** Its time is up at the latest: an attempt then ends it, whatever the follower knows. */
  const wakeAt = (job: InteractionJob, now: number) => {
    const { shown } = job;
    return Math.min(
      job.followUntil,
      ...[
        job.createdAt + ANSWER_GRACE_MS,
        canPostInChannel ? 0 : farewellAt(job),
        // The elapsed time alone changes the text too, but is no reason to wake.
        shown && shown.status !== job.status ? shown.at + progressIntervalMs : 0,
      ].filter((time) => time > now),
    );
  };

  /** Waits out the moment between handing Discord the deferral and it being able to use it. */
  const afterAnswer = async (job: InteractionJob) => {
    const wait = job.createdAt + ANSWER_GRACE_MS - clock.now();
    if (wait > 0) await clock.sleep(wait);
  };

  const deliver = async (
    job: InteractionJob,
    message: OutgoingMessage,
    linkOnly: ((why: LinkReason) => OutgoingMessage) | undefined,
    seenAt: number | undefined,
  ) => {
    await afterAnswer(job);
    // Marked before the post: an alarm repeated after a crash reads the reply instead.
    if (job.phase === 'delivering' && (await deliverer.replyIsFinal(job))) {
      logger('job_already_delivered', fields(job));
      await remove(job);
      return;
    }
    job.phase = 'delivering';
    await save(job);
    const delivery = await postFinal({ deliverer, logger }, job, message, linkOnly);
    logger('job_delivered', {
      ...fields(job),
      via: delivery.via,
      upload: Boolean(message.file),
      doneToPostedMs: seenAt === undefined ? undefined : clock.now() - seenAt,
    });
    await remove(job);
  };

  const messagesFor = async (jobs: InteractionJob[], task: Task) => {
    // One download per upload limit, however many people wait for this video.
    const byLimit = new Map<string, InteractionJob[]>();
    for (const job of jobs) {
      const key = `${job.attachmentSizeLimit} ${job.origin}`;
      byLimit.set(key, [...(byLimit.get(key) ?? []), job]);
    }
    const messages = new Map<InteractionJob, OutgoingMessage>();
    const never = new AbortController().signal;
    for (const group of byLimit.values()) {
      const first = group[0] as InteractionJob;
      const edgePublicURL = options.edgePublicURL(first);
      const shareUrl = options.shareUrl?.(first);
      const message = await shareVideo(
        `${task.id} ${first.attachmentSizeLimit} ${first.origin}`,
        () =>
          videoMessage({ ...options.video, logger, edgePublicURL, shareUrl }, first, task, never),
      );
      for (const job of group) messages.set(job, message);
    }
    return messages;
  };

  return {
    async update(job, status) {
      const changed = status !== undefined && status !== job.status;
      if (status !== undefined) job.status = status;
      const now = clock.now();
      const usable =
        job.phase === 'following' &&
        now >= job.createdAt + ANSWER_GRACE_MS &&
        deliverer.tokenUsable(job);
      const farewell = usable &&
        farewellDue(job, now) && { shareUrl: await options.shareUrl?.(job) };
      const text = usable ? render(job, now, farewell) : undefined;
      const due = text !== undefined && text !== job.shown?.text;
      if (!due || (job.shown && now < job.shown.at + progressIntervalMs)) {
        if (changed) await save(job);
        return wakeAt(job, now);
      }
      try {
        if (await deliverer.editReply(job, text)) job.shown = { text, at: now, status: job.status };
      } catch (error) {
        // Not worth a retry storm: the next turn after the interval tries again.
        job.shown = { ...job.shown, text: job.shown?.text ?? '', at: now };
        logger('progress_edit_failed', {
          ...fields(job),
          message: error instanceof Error ? error.message : String(error),
        });
      }
      await save(job);
      return wakeAt(job, now);
    },

    timedOut: (job) => job.phase === 'following' && clock.now() >= job.followUntil,

    tell: (job, content) => deliver(job, { content }, undefined, undefined),

    async settle(jobs, outcome) {
      const messages = 'done' in outcome ? await messagesFor(jobs, outcome.done) : undefined;
      const results = await Promise.allSettled(
        jobs.map(async (job) => {
          if ('done' in outcome && messages) {
            const task = outcome.done;
            const url = options.edgePublicURL(job);
            const shareUrl = await options.shareUrl?.(job);
            const linkOnly = (why: LinkReason) => ({
              content:
                why === 'too_large'
                  ? tooLargeText(task, job.attachmentSizeLimit, url, shareUrl)
                  : cannotAttachText(task, url, shareUrl),
              components: shareUrl ? watchButton(shareUrl) : undefined,
            });
            const message = messages.get(job) as OutgoingMessage;
            return deliver(job, message, linkOnly, outcome.seenAt);
          }
          const error = 'error' in outcome ? outcome.error : undefined;
          const content = failureReply(job, error, { kind: 'following', status: job.status });
          return deliver(job, { content }, undefined, undefined);
        }),
      );
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** The error a job that followed its task for its whole time ends with, in the bot's words. */
export function followTimeoutError(job: InteractionJob): TimeoutError {
  return stoppedWaitingError(
    job.taskId ?? '',
    job.followUntil - job.createdAt,
    job.requestId ?? undefined,
  );
}
