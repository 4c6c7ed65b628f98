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

/** A synthetic URL: the Cache API is keyed by request, and the upstream is part of the key. */
function keyFor(baseURL: string, id: string): string {
  return `https://jimeng-edge.cache/${encodeURIComponent(baseURL)}/task/${encodeURIComponent(id)}`;
}

/** The Cache API only stores on a custom domain; on workers.dev these calls do nothing. */
export async function readCachedTask(baseURL: string, id: string): Promise<Task | undefined> {
  const hit = await caches.default.match(keyFor(baseURL, id));
  return hit ? ((await hit.json()) as Task) : undefined;
}

export async function cacheTask(baseURL: string, task: Task): Promise<void> {
  const seconds = cacheSeconds(task);
  if (seconds <= 0) return;
  const response = new Response(JSON.stringify(task), {
    headers: { 'content-type': 'application/json', 'cache-control': `max-age=${seconds}` },
  });
  await caches.default.put(keyFor(baseURL, task.id), response);
}
