import type { Env } from '../env.ts';
import type { InteractionJob } from './interaction-job.ts';

/**
 * Hands a job to the follower of its task, which keeps it in its storage and drives it with its
 * alarms. Idempotent by job id: a hand-over repeated after a failure adds nothing twice.
 */
export async function followInFollower(_env: Env, job: InteractionJob): Promise<void> {
  throw new Error(`No task follower to hand job ${job.id} to yet (FOLLOWERS is not bound).`);
}
