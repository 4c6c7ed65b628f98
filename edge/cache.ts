import { edgeCacheSeconds } from './cache-policy.ts';
import type { EdgeTask } from './edge-task.ts';
import type { RenderedTask } from './rendered-task.ts';

/** An isolate talks to one upstream: its part of the key is encoded once, not per lookup. */
let prefix = { baseURL: '', text: '' };

/** A synthetic URL: the Cache API is keyed by request, and the upstream is part of the key. */
function keyFor(baseURL: string, id: string): string {
  if (prefix.baseURL !== baseURL) {
    prefix = { baseURL, text: `https://jimeng-edge.cache/${encodeURIComponent(baseURL)}/task/` };
  }
  return prefix.text + encodeURIComponent(id);
}

/**
 * The isolate's own copy of hot terminal tasks, in front of the Cache API: a popular task
 * then costs neither a provider query nor a cache subrequest. Small and bounded: isolates
 * have 128 MB and many tasks pass through.
 */
const HOT_ENTRIES = 256;
const hot = new Map<string, { task: EdgeTask; until: number }>();

function remember(key: string, task: EdgeTask, seconds: number) {
  hot.delete(key);
  hot.set(key, { task, until: Date.now() + seconds * 1000 });
  // Maps iterate in insertion order: the first key is the least recently stored.
  if (hot.size > HOT_ENTRIES) hot.delete(hot.keys().next().value as string);
}

/**
 * Tasks this isolate just saw running. Looking them up in the Cache API would cost a
 * subrequest per poll (and ?wait / SSE poll a lot) for an answer that is almost surely
 * "not there"; for a few seconds the provider is asked directly instead.
 */
const PENDING_MS = 10_000;
const pending = new Map<string, number>();

export function markPending(baseURL: string, id: string) {
  const key = keyFor(baseURL, id);
  const now = Date.now();
  // Moved to the back (most recent) only once half its time is gone: a task polled many times
  // a second does not reorder the map on every answer.
  if ((pending.get(key) ?? 0) - now > PENDING_MS / 2) return;
  pending.delete(key);
  pending.set(key, now + PENDING_MS);
  if (pending.size > HOT_ENTRIES) pending.delete(pending.keys().next().value as string);
}

/**
 * The Cache API only stores on a custom domain; on workers.dev these calls do nothing.
 * `keepsVideos`: VIDEOS is bound, so a done task's `archived` may still change.
 */
export async function readCachedTask(
  baseURL: string,
  id: string,
  keepsVideos: boolean,
): Promise<EdgeTask | undefined> {
  const key = keyFor(baseURL, id);
  if ((pending.get(key) ?? 0) > Date.now()) return undefined;
  pending.delete(key);
  const entry = hot.get(key);
  if (entry && entry.until > Date.now()) return entry.task;
  if (entry) hot.delete(key);
  const hit = await caches.default.match(key);
  if (!hit) return undefined;
  const cached = (await hit.json()) as EdgeTask;
  // Entries written before `archived` existed say nothing about it.
  const task = { ...cached, archived: cached.archived === true };
  const seconds = edgeCacheSeconds(task, keepsVideos);
  if (seconds > 0) remember(key, task, seconds);
  return task;
}

/** Stores the task as callers see it (token scrubbed), for as long as `edgeCacheSeconds` says. */
export async function cacheTask(
  baseURL: string,
  task: RenderedTask,
  keepsVideos: boolean,
): Promise<void> {
  const { head } = task;
  const seconds = edgeCacheSeconds(head, keepsVideos);
  if (seconds <= 0) return;
  const key = keyFor(baseURL, head.id);
  // Every watcher of a task learns its end at once: the first one stores it for all, and only
  // that one parses it.
  const known = hot.get(key);
  if (
    known &&
    known.until > Date.now() &&
    known.task.checkedAt === head.checkedAt &&
    known.task.archived === head.archived
  ) {
    return;
  }
  const response = new Response(task.json, {
    headers: { 'content-type': 'application/json', 'cache-control': `max-age=${seconds}` },
  });
  pending.delete(key);
  remember(key, task.task, seconds);
  await caches.default.put(key, response);
}
