import type { Task } from '../src/index.ts';

/** A link is not handed out in its last minute: the client still has to fetch it. */
const URL_SAFETY_MS = 60_000;
const MAX_CACHE_SECONDS = 24 * 60 * 60;

/**
 * How long a terminal answer may be reused. A done task lives as long as its video URL (the
 * provider's links expire about an hour after the query); `not_found` briefly, since a task
 * just submitted may not be visible yet; failures and expiries do not change.
 */
export function cacheSeconds(task: Task, now = Date.now()): number {
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
