import type { Logger } from '../log.ts';
import { alreadyFollowingText, userCapText } from '../replies/messages.ts';
import type { Job } from './job.ts';

/**
 * An admitted command holds its place under the per-user cap until its job is started (or it
 * gives up): `release` ends that hold. Without it, commands sent together would all be
 * admitted while the first was still deferring.
 */
type Admission = { ok: true; release: () => void } | { ok: false; text: string };

type Claim = Pick<Job, 'userId'> & { taskId: string | null; channelId: string | undefined };

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
  const admitted = new Set<Claim>();
  return (userId, taskId, channelId) => {
    let count = 0;
    const claims: Claim[] = [...runningJobs(), ...admitted];
    for (const job of claims) {
      if (job.userId !== userId) continue;
      if (taskId && job.taskId === taskId && job.channelId === channelId) {
        return { ok: false, text: alreadyFollowingText(taskId) };
      }
      count++;
    }
    if (count >= maxJobsPerUser) {
      logger('job_refused', { userId, taskId, reason: 'per-user cap', active: count });
      return { ok: false, text: userCapText(maxJobsPerUser) };
    }
    const claim: Claim = { userId, taskId: taskId ?? null, channelId };
    admitted.add(claim);
    return { ok: true, release: () => admitted.delete(claim) };
  };
}
