import type { Env } from '../env.ts';
import { EdgeError } from '../errors.ts';
import type { TaskFollower } from './task-follower.ts';

/** The FOLLOWERS binding, or a 503 that says how to deploy it. */
export function requireFollowers(env: Env): DurableObjectNamespace<TaskFollower> {
  if (env.FOLLOWERS) return env.FOLLOWERS;
  throw new EdgeError(
    503,
    'not_configured',
    'This endpoint has no FOLLOWERS binding (the TaskFollower Durable Object): deploy it with the [[durable_objects.bindings]] and [[migrations]] of wrangler.toml.',
  );
}

/** The follower of task `id`: the same object wherever in the world the caller is. */
export function followerFor(env: Env, id: string): DurableObjectStub<TaskFollower> {
  const followers = requireFollowers(env);
  return followers.get(followers.idFromName(id));
}
