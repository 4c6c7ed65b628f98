import { isTerminalStatus, terminalTaskError } from '../../src/index.ts';
import type { Env } from '../env.ts';
import { fromWireError } from '../follower/follower-update.ts';
import type { FollowerView, JobKind, JobOutcome } from '../follower/job-kind.ts';
import { DiscordRateLimitedError } from './discord-errors.ts';
import { discordRuntime } from './discord-runtime.ts';
import type { InteractionJob } from './interaction-job.ts';
import { followTimeoutError, type InteractionJobs, type Outcome } from './interaction-jobs.ts';

/** Waits after a final post Discord did not take (a timeout, a 5xx, a 429 too long to wait). */
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

/** Long 429s a job waits out before they count as failed posts. */
const MAX_RATE_LIMITS = 5;

/** The follower's job id of a Discord job: one per interaction, whatever the retries. */
export const discordJobId = (job: Pick<InteractionJob, 'id'>) => `discord:${job.id}`;

/**
 * One person waiting in Discord for this task: a progress reply edited as the follower's polls
 * bring news, then the final answer once the task has ended (or the job's time is up). Every
 * decision is made from the stored job and the follower's view, so an attempt repeated after a
 * crash carries on where the last one stopped; the final post is marked before it is made.
 */
export const discordJob: JobKind<InteractionJob> = {
  name: 'discord',
  // News is a new answer of the provider; the job's own deadlines come back as its `wait`'s time.
  ready: (job, view) => view.polledAt !== job.data.seenPollAt,
  async attempt({ job, view, env, now, save }): Promise<JobOutcome<InteractionJob>> {
    const runtime = discordRuntime(env);
    let data: InteractionJob = { ...job.data, seenPollAt: view.polledAt };
    let over = false;
    const jobs = runtime.jobs({
      save: async (saved) => {
        data = saved;
        save(saved);
      },
      remove: async (removed) => {
        data = removed;
        over = true;
      },
    });
    let at: number | undefined;
    try {
      const outcome = outcomeOf(data, view, jobs, now);
      if (outcome) await jobs.settle([data], outcome);
      else at = await jobs.update(data, view.task?.status ?? data.status);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      // A 429 longer than a request may wait: Discord said when to come back, and an earlier
      // try only earns another 429. Not a failure of the post, within a bound of its own.
      const rateLimited = data.rateLimited ?? 0;
      if (
        error instanceof DiscordRateLimitedError &&
        error.retryAfterMs !== undefined &&
        rateLimited < MAX_RATE_LIMITS
      ) {
        return {
          status: 'retry',
          at: now + error.retryAfterMs,
          error: why,
          data: { ...data, rateLimited: rateLimited + 1 },
        };
      }
      // Not the job's attempts: every answer of the provider was one, and a job that followed
      // its task for a minute had used up its retries before its first failure.
      const failures = (data.failures ?? 0) + 1;
      const delay = RETRY_DELAYS_MS[failures - 1];
      if (delay === undefined) {
        await release(env, data);
        return { status: 'drop', error: `gave up on the final post: ${why}` };
      }
      return { status: 'retry', at: now + delay, error: why, data: { ...data, failures } };
    }
    if (!over) return { status: 'wait', data, at };
    await release(env, data);
    return { status: 'done', data };
  },
};

/** How following ended for this job, if it has. */
function outcomeOf(
  job: InteractionJob,
  view: FollowerView,
  jobs: InteractionJobs,
  now: number,
): Outcome | undefined {
  const { task, error } = view;
  if (task && isTerminalStatus(task.status)) {
    const failure = terminalTaskError(task);
    return failure ? { error: failure } : { done: task, seenAt: now };
  }
  // What the core's own wait ends on: an answer that asking again will not change.
  if (error && !error.retryable) return { error: fromWireError(error) };
  if (jobs.timedOut(job)) return { error: followTimeoutError(job) };
  return undefined;
}

/** The job is over: its place under the user's cap is free (and expires anyway if this fails). */
async function release(env: Env, job: InteractionJob): Promise<void> {
  const users = env.DISCORD_USERS;
  if (!users) return;
  await users
    .get(users.idFromName(job.userId))
    .release(job.id)
    .catch(() => {});
}
