import type { Clock } from '../../src/index.ts';
import { missingPermissions } from '../delivery/channel-permissions.ts';
import type { Deliverer } from '../delivery/deliverer.ts';
import type { Logger } from '../log.ts';
import { missingPermissionsText, type Progress, progressText } from '../replies/messages.ts';
import { createProgressReporter } from '../replies/progress-reporter.ts';
import { jobLogFields as fields, type Job } from './job.ts';

export interface JobProgressOptions {
  clock: Clock;
  logger: Logger;
  deliverer: Deliverer;
  /** Fewest ms between two edits of the reply. */
  progressIntervalMs: number;
}

export interface JobProgress {
  /** Where the job is now: the failure reply words itself after it. */
  readonly current: Progress;
  show(progress: Progress): void;
  /** No more edits, after the one in flight: what comes next is the final answer. */
  close(): Promise<void>;
}

/** The reply while the job runs: its progress, with a warning when the bot may not post later. */
export function showProgress(
  { clock, logger, deliverer, progressIntervalMs }: JobProgressOptions,
  job: Job,
): JobProgress {
  let current: Progress =
    job.phase === 'submitting'
      ? { kind: 'submitting', position: null }
      : { kind: 'following', status: null };
  let note: string | undefined;
  const missing = missingPermissions(job, true);
  if (missing.length > 0) {
    note = missingPermissionsText(job.taskId, missing);
    logger('channel_permissions_missing', { ...fields(job), missing: missing.join(', ') });
  }
  const reporter = createProgressReporter({
    clock,
    minIntervalMs: progressIntervalMs,
    render: () => progressText(job.taskId, current, clock.now() - job.createdAt, note),
    send: (text) => deliverer.editReply(job, text),
  });
  return {
    get current() {
      return current;
    },
    show(progress) {
      current = progress;
      reporter.update();
    },
    close: () => reporter.close(),
  };
}
