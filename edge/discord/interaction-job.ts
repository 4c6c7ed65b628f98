import type { Job } from '../../bot/jobs/job.ts';
import type { TaskStatus } from '../../src/index.ts';

/**
 * One person waiting in Discord for one task's video, as the task's follower keeps it: the
 * gateway bot's `Job` (so its replies, permissions and final post apply unchanged) plus what a
 * job driven by alarms must remember between them. Plain JSON.
 */
export interface InteractionJob extends Job {
  /** The Worker's public origin, as Discord called it: where permanent video links point. */
  origin: string;
  /** Past this the job stops following and says so, as the gateway bot does. */
  followUntil: number;
  /** The task's last status seen. */
  status: TaskStatus | null;
  /**
   * The progress text last shown, when, and for which status: edits go on change only, an
   * interval apart, and a status change held back by the interval wakes the job at its end.
   */
  shown?: { text: string; at: number; status?: TaskStatus | null | undefined } | undefined;
  /** When the follower's answer this job last acted on came: news is a newer one. */
  seenPollAt?: number | undefined;
  /** Final posts that failed so far: the waits between tries grow, then the job is dropped. */
  failures?: number | undefined;
  /** Long 429s (`retry_after` past what a request waits) waited out so far. */
  rateLimited?: number | undefined;
}

/**
 * Without a bot token, the reply says where the video will be this long before the deliverer
 * stops using the token (`TOKEN_MARGIN_MS` before it dies).
 */
export const FAREWELL_LEAD_MS = 2 * 60 * 1000;
/**
 * The deferral travels back to Discord in the HTTP response, after the follower has the job:
 * a call on the token before Discord has read that response would find no reply to edit.
 */
export const ANSWER_GRACE_MS = 1_000;
