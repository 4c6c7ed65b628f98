export { describeBusinessCode } from './business-codes.ts';
export type { CallOptions, ClientOptions, CreatedTask, JimengClient } from './client.ts';
export { createClient, DEFAULT_BASE_URL } from './client.ts';
export type { Clock } from './clock.ts';
export { acceleratedClock, systemClock } from './clock.ts';
export type { ConcurrencyLimit, RunOptions } from './concurrency-limit.ts';
export { createConcurrencyLimit } from './concurrency-limit.ts';
export type { AspectRatio, CreateVideoOptions } from './create-video-options.ts';
export { imageAspectRatios, MAX_PROMPT_LENGTH, textAspectRatios } from './create-video-options.ts';
export type { DownloadedVideo, DownloadOptions } from './download-video.ts';
export type { JimengErrorCode, JimengErrorDetails } from './errors.ts';
export {
  AbortedError,
  ApiError,
  InvalidRequestError,
  InvalidTaskIdError,
  isJimengError,
  JimengError,
  RateLimitedError,
  TaskExpiredError,
  TaskFailedError,
  TaskNotFoundError,
  TimeoutError,
  TooLargeError,
  UnauthorizedError,
  UpstreamError,
} from './errors.ts';
export type { FollowTaskOptions } from './follow-task.ts';
export { followTask } from './follow-task.ts';
export type { WaitOptions } from './poll.ts';
export { MIN_INTERVAL_MS } from './poll.ts';
export { redactor } from './redactor.ts';
export { parseRetryAfter } from './retry-policy.ts';
export type { Task, TaskParams } from './task.ts';
export { assertTaskId, isValidTaskId } from './task-id.ts';
export type { TaskStatus } from './task-status.ts';
export { isTerminalStatus } from './task-status.ts';
export type { FollowOptions, TaskWatcher } from './task-watcher.ts';
export { createTaskWatcher } from './task-watcher.ts';
