import { isJimengError, isTerminalStatus } from '../../src/index.ts';
import { DEAD_LINK_STATUSES } from '../video-relay.ts';
import { isVideoStored, storeVideo } from '../video-store.ts';
import type { JobKind, JobOutcome } from './job-kind.ts';

/** One archive per follower: its id is fixed, so asking for it twice adds nothing. */
export const ARCHIVE_JOB_ID = 'archive';

/** A copy is not started on a link that dies within this: it gets a fresh one first. */
const LINK_MARGIN_MS = 60_000;
/** Waits after failed copies; then the follower gives up (the link itself lives about an hour). */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000, 600_000];

type Empty = Record<string, never>;

/**
 * Copies the video into R2 (VIDEOS) as soon as the task is done, so `/video` keeps working
 * after the provider's link dies. A link about to expire, or answered as dead, is replaced by
 * querying the task again before the next attempt.
 */
export const archiveJob: JobKind<Empty> = {
  name: 'archive',
  // Any end: one without a video drops the job, which would otherwise wait forever and keep
  // its follower (and its alarm) from ever being cleaned up.
  ready: (_job, view) => view.task !== undefined && isTerminalStatus(view.task.status),
  spawn: (view, env) =>
    view.task?.status === 'done' && env.VIDEOS ? { id: ARCHIVE_JOB_ID, data: {} } : undefined,
  async attempt({ job, view, env, upstream, now }): Promise<JobOutcome<Empty>> {
    const bucket = env.VIDEOS;
    const task = view.task;
    if (!bucket) return { status: 'drop', error: 'no R2 bucket is bound as VIDEOS' };
    if (task?.status !== 'done') return { status: 'drop', error: 'the task ended without a video' };
    const later = (error: string, refresh = false): JobOutcome<Empty> => {
      const delay = RETRY_DELAYS_MS[job.attempts - 1];
      return delay === undefined
        ? { status: 'drop', error }
        : { status: 'retry', at: now + delay, error, refresh };
    };
    const expiresAt = task.videoUrlExpiresAt ? Date.parse(task.videoUrlExpiresAt) : 0;
    if (!task.videoUrl || expiresAt - now < LINK_MARGIN_MS) {
      if (await isVideoStored(bucket, task.id)) return { status: 'done' };
      return later('the video link has expired or is about to', true);
    }
    // storeVideo looks in R2 first itself: asking here too would be one more round trip
    // before the webhooks, which wait for this copy.
    try {
      await storeVideo(bucket, upstream.client, task);
      return { status: 'done' };
    } catch (error) {
      if (!isJimengError(error)) throw error;
      // The provider's clips are a few MB: one over the cap will not shrink on a second try.
      if (error.code === 'too_large') return { status: 'drop', error: error.message };
      const dead = error.httpStatus !== undefined && DEAD_LINK_STATUSES.has(error.httpStatus);
      return later(upstream.redact(error.message), dead);
    }
  },
};
