import { PermissionFlagsBits } from 'discord.js';
import type { Job } from '../jobs/job.ts';

/** What the bot lacks to post (with a file when `withFile`) in the job's channel. */
export function missingPermissions(job: Job, withFile: boolean): string[] {
  if (job.appPermissions === null) return [];
  const has = BigInt(job.appPermissions);
  const needed: [string, bigint][] = [
    ['View Channel', PermissionFlagsBits.ViewChannel],
    job.inThread
      ? ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads]
      : ['Send Messages', PermissionFlagsBits.SendMessages],
  ];
  if (withFile) needed.push(['Attach Files', PermissionFlagsBits.AttachFiles]);
  return needed.filter(([, bit]) => (has & bit) !== bit).map(([name]) => name);
}
