import type { Context } from 'hono';
import type { EdgeTask } from '../edge-task.ts';
import type { AppEnv } from '../env.ts';

/** Tasks this isolate has handed to their follower already; bounded like the task cache. */
const handed = new Set<string>();
const MAX_HANDED = 256;

/**
 * A done task that plain GET found without an R2 copy (submitted elsewhere, never watched):
 * its follower copies the video too, after the answer has gone. Once per task and isolate.
 */
export function keepVideo(c: Context<AppEnv>, task: EdgeTask): void {
  const followers = c.env.FOLLOWERS;
  if (!followers || !c.env.VIDEOS || task.status !== 'done' || task.archived) return;
  if (handed.has(task.id)) return;
  handed.add(task.id);
  if (handed.size > MAX_HANDED) handed.delete(handed.values().next().value as string);
  const { archived: _, ...plain } = task;
  const stub = followers.get(followers.idFromName(task.id));
  c.executionCtx.waitUntil(
    stub.adopt(plain).catch(() => {
      // Asked again by the next GET.
      handed.delete(task.id);
    }),
  );
}
