import { isJimengError } from '../../src/index.ts';
import type { Job } from '../jobs/job.ts';
import { failureText, type Progress, providerSilentText, submitUncertainText } from './messages.ts';

/** What to tell the user when their job failed, given how far it had got. */
export function failureReply(job: Job, error: unknown, progress: Progress): string {
  const silent =
    isJimengError(error) &&
    error.code === 'timeout' &&
    progress.kind === 'following' &&
    progress.status === null;
  // Without a task id the failure was the submit itself: say whether it may have landed.
  const uncertain =
    job.taskId === null &&
    isJimengError(error) &&
    (error.code === 'timeout' || error.code === 'upstream_error');
  return uncertain
    ? submitUncertainText(error)
    : silent
      ? providerSilentText(job.taskId)
      : failureText(job.taskId, error);
}
