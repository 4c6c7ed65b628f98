export type { BusinessCode } from './business-codes.ts';
export { describeBusinessCode } from './business-codes.ts';
export type { CallOptions, ClientOptions, CreatedTask, JimengClient } from './client.ts';
export { createClient, DEFAULT_BASE_URL } from './client.ts';
export type { Clock } from './clock.ts';
export { acceleratedClock, systemClock } from './clock.ts';
export type { ConcurrencyLimit, RunOptions } from './concurrency-limit.ts';
export { createConcurrencyLimit } from './concurrency-limit.ts';
export type { AspectRatio, CreateVideoOptions } from './create-video-options.ts';
export {
  imageAspectRatios,
  MAX_PROMPT_LENGTH,
  parseCreateVideoOptions,
  textAspectRatios,
} from './create-video-options.ts';
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
export { isHttpURL } from './http-url.ts';
export { mib } from './mib.ts';
export type { PollIntervalOptions } from './poll-interval.ts';
export { pollDelayMs } from './poll-interval.ts';
export { redactor } from './redactor.ts';
export { parseRetryAfter } from './retry-policy.ts';
export type { SharedWait, SharedWaitOptions } from './shared-wait.ts';
export { createSharedWait } from './shared-wait.ts';
export type { Task, TaskParams } from './task.ts';
export { assertTaskId, isValidTaskId, MAX_TASK_ID_LENGTH } from './task-id.ts';
export type { TaskStatus } from './task-status.ts';
export { isTerminalStatus } from './task-status.ts';
export { terminalTaskError } from './terminal-task-error.ts';
export { MAX_TIMER_MS } from './timer-queue.ts';
export type { WaitOptions } from './wait-for-task.ts';
export { DEFAULT_MAX_INTERVAL_MS, MIN_INTERVAL_MS } from './wait-for-task.ts';
export type { WaitFromOptions } from './wait-for-task-from.ts';
export { waitForTaskFrom } from './wait-for-task-from.ts';
