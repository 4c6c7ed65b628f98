import type { Job } from './job.ts';

/** The ids every log line about a job carries, so one job can be traced end to end. */
export const jobLogFields = (job: Job) => ({
  jobId: job.id,
  taskId: job.taskId,
  requestId: job.requestId,
  userId: job.userId,
});
