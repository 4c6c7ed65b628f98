import type { Task } from '../src/index.ts';
import type { EdgeTask } from './edge-task.ts';

/** A link is not handed out in its last minute: the client still has to fetch it. */
const URL_SAFETY_MS = 60_000;
const MAX_CACHE_SECONDS = 24 * 60 * 60;

/**
 * How long a terminal answer may be reused. A done task lives as long as its video URL (the
 * provider's links expire about an hour after the query); `not_found` briefly, since a task
 * just submitted may not be visible yet; failures and expiries do not change.
 */
export function cacheSeconds(
  task: Pick<Task, 'status' | 'videoUrlExpiresAt'>,
  now = Date.now(),
): number {
  switch (task.status) {
    case 'done': {
      if (!task.videoUrlExpiresAt) return 0;
      const ms = Date.parse(task.videoUrlExpiresAt) - now - URL_SAFETY_MS;
      return Math.max(0, Math.min(MAX_CACHE_SECONDS, Math.floor(ms / 1000)));
    }
    case 'not_found':
      return 60;
    case 'failed':
    case 'expired':
      return 60 * 60;
    default:
      return 0;
  }
}

/**
 * A done task whose video may still be on its way into R2 is reused only briefly, so that
 * `archived: false` does not outlive the copy by an hour.
 */
const UNARCHIVED_SECONDS = 5;

/** `cacheSeconds` for the edge's answers, which also say whether the video is kept. */
export function edgeCacheSeconds(
  task: Pick<EdgeTask, 'status' | 'videoUrlExpiresAt' | 'archived'>,
  keepsVideos: boolean,
  now = Date.now(),
): number {
  const seconds = cacheSeconds(task, now);
  return keepsVideos && task.status === 'done' && !task.archived
    ? Math.min(UNARCHIVED_SECONDS, seconds)
    : seconds;
}
