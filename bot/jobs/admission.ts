import type { Logger } from '../log.ts';
import { alreadyFollowingText, userCapText } from '../replies/messages.ts';
import type { Job } from './job.ts';

/**
 * An admitted command holds its place under the per-user cap until its job is started (or it
 * gives up): `release` ends that hold. Without it, commands sent together would all be
 * admitted while the first was still deferring.
 */
type Admission = { ok: true; release: () => void } | { ok: false; text: string };

/** A job counted against its user's cap. */
export interface Claim {
  taskId: string | null;
  channelId: string | undefined;
}

type UserClaim = Pick<Job, 'userId'> & Claim;

/**
 * Whether one more job fits beside a user's `claims` (their jobs now), or the refusal to say:
 * the same task followed twice in one channel, or `max` jobs already. The gateway bot counts
 * its running jobs; the Worker its `DiscordUser` object's stored claims.
 */
export function admissionFor(
  claims: Iterable<Claim>,
  wanted: Claim,
  max: number,
): { ok: true } | { ok: false; text: string; active?: number } {
  let count = 0;
  for (const claim of claims) {
    if (wanted.taskId && claim.taskId === wanted.taskId && claim.channelId === wanted.channelId) {
      return { ok: false, text: alreadyFollowingText(wanted.taskId) };
    }
    count++;
  }
  return count >= max ? { ok: false, text: userCapText(max), active: count } : { ok: true };
}

export interface JobAdmissionOptions {
  maxJobsPerUser: number;
  logger: Logger;
  /** The jobs running now; each counts against its user's cap. */
  runningJobs: () => Iterable<Job>;
}

/** Whether this user may start another job (and is not already following this task here). */
export type Admit = (userId: string, taskId?: string, channelId?: string) => Admission;

export function createJobAdmission(options: JobAdmissionOptions): Admit {
  const { maxJobsPerUser, logger, runningJobs } = options;
  const admitted = new Set<UserClaim>();
  return (userId, taskId, channelId) => {
    const mine = [...runningJobs(), ...admitted].filter((claim) => claim.userId === userId);
    const wanted: UserClaim = { userId, taskId: taskId ?? null, channelId };
    const admission = admissionFor(mine, wanted, maxJobsPerUser);
    if (!admission.ok) {
      if (admission.active !== undefined) {
        logger('job_refused', { userId, taskId, reason: 'per-user cap', active: admission.active });
      }
      return admission;
    }
    const claim = wanted;
    admitted.add(claim);
    return { ok: true, release: () => admitted.delete(claim) };
  };
}
