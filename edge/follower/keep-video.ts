import type { Context } from 'hono';
import type { EdgeTask } from '../edge-task.ts';
import type { AppEnv } from '../env.ts';
import { followerFor } from './follower-stub.ts';

/** Tasks this isolate has handed to their follower already; bounded like the task cache. */
const handed = new Set<string>();
const MAX_HANDED = 256;

/**
 * Hands task `id` to its follower after the answer has gone, once per task and isolate: asked
 * again by the next request if the hand-over failed.
 */
function handOnce(c: Context<AppEnv>, id: string, hand: () => Promise<void>): void {
  if (handed.has(id)) return;
  handed.add(id);
  if (handed.size > MAX_HANDED) handed.delete(handed.values().next().value as string);
  c.executionCtx.waitUntil(
    hand().catch(() => {
      handed.delete(id);
    }),
  );
}

/**
 * A done task that plain GET or a watch page found without an R2 copy (submitted elsewhere,
 * never watched): its follower copies the video too.
 */
export function keepVideo(c: Context<AppEnv>, task: EdgeTask): void {
  if (!c.env.FOLLOWERS || !c.env.VIDEOS || task.status !== 'done' || task.archived) return;
  const { archived: _, ...plain } = task;
  handOnce(c, task.id, () => followerFor(c.env, task.id).adopt(plain));
}

/**
 * A task someone holds a share link to, whatever its state: its follower follows it to its end
 * and keeps the video, so the link still plays after the provider forgets the task (12 hours),
 * even if nobody opened it meanwhile. Nothing to keep without R2.
 */
export function keepVideoOf(c: Context<AppEnv>, id: string): void {
  if (!c.env.FOLLOWERS || !c.env.VIDEOS) return;
  handOnce(c, id, () => followerFor(c.env, id).keep(id));
}
