import type { Context } from 'hono';
import { isTerminalStatus } from '../src/index.ts';
import { edgeCacheSeconds } from './cache-policy.ts';
import type { EdgeTask } from './edge-task.ts';
import type { AppEnv } from './env.ts';

/** The task as JSON text, token scrubbed: `raw` is the provider's body, which we do not control. */
export function taskJson(c: Context<AppEnv>, task: EdgeTask): string {
  return c.get('upstream').redact(JSON.stringify(task));
}

/** Terminal answers may be reused by the caller for as long as we would reuse them ourselves. */
export function taskResponse(c: Context<AppEnv>, task: EdgeTask): Response {
  const seconds = isTerminalStatus(task.status) ? edgeCacheSeconds(task, Boolean(c.env.VIDEOS)) : 0;
  return c.body(taskJson(c, task), 200, {
    'cache-control': seconds > 0 ? `private, max-age=${seconds}` : 'no-store',
    'content-type': 'application/json; charset=utf-8',
  });
}
