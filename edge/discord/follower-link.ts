import type { Env } from '../env.ts';
import { followerFor } from '../follower/follower-stub.ts';
import type { InteractionJob } from './interaction-job.ts';

/**
 * Hands a job to the follower of its task, which keeps it in its storage and drives it with its
 * alarms. Idempotent by job id: a hand-over repeated after a failure adds nothing twice.
 */
export async function followInFollower(env: Env, job: InteractionJob): Promise<void> {
  if (!job.taskId) throw new Error(`Job ${job.id} has no task to follow yet.`);
  await followerFor(env, job.taskId).addDiscordJob(job);
}
