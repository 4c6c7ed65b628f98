import type { Context } from 'hono';
import { isTerminalStatus } from '../src/index.ts';
import { edgeCacheSeconds } from './cache-policy.ts';
import type { AppEnv } from './env.ts';
import type { RenderedTask } from './rendered-task.ts';

/** Terminal answers may be reused by the caller for as long as we would reuse them ourselves. */
export function taskResponse(c: Context<AppEnv>, task: RenderedTask): Response {
  const { head } = task;
  const seconds = isTerminalStatus(head.status) ? edgeCacheSeconds(head, Boolean(c.env.VIDEOS)) : 0;
  return c.body(task.json, 200, {
    'cache-control': seconds > 0 ? `private, max-age=${seconds}` : 'no-store',
    'content-type': 'application/json; charset=utf-8',
  });
}
