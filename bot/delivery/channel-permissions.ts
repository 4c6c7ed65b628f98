import type { Job } from '../jobs/job.ts';
import { PermissionBits } from './discord-codes.ts';

/** What the bot lacks to post (with a file when `withFile`) in the job's channel. */
export function missingPermissions(
  job: Pick<Job, 'appPermissions' | 'inThread'>,
  withFile: boolean,
): string[] {
  if (job.appPermissions === null) return [];
  const has = BigInt(job.appPermissions);
  const needed: [string, bigint][] = [
    ['View Channel', PermissionBits.ViewChannel],
    job.inThread
      ? ['Send Messages in Threads', PermissionBits.SendMessagesInThreads]
      : ['Send Messages', PermissionBits.SendMessages],
  ];
  if (withFile) needed.push(['Attach Files', PermissionBits.AttachFiles]);
  return needed.filter(([, bit]) => (has & bit) !== bit).map(([name]) => name);
}
