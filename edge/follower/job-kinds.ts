import { discordJob } from '../discord/discord-job.ts';
import { archiveJob } from './archive-job.ts';
import type { JobKind } from './job-kind.ts';
import { webhookJob } from './webhook-job.ts';

const kinds: JobKind<unknown>[] = [archiveJob, webhookJob, discordJob as JobKind<unknown>];

/**
 * Every kind of job a follower runs, by the name stored with each job. A new kind (a Discord
 * delivery, say) is one module implementing JobKind, added to the list above.
 */
export const jobKinds: Readonly<Record<string, JobKind<unknown>>> = Object.fromEntries(
  kinds.map((kind) => [kind.name, kind]),
);
