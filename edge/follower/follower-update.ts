import {
  AbortedError,
  ApiError,
  InvalidRequestError,
  InvalidTaskIdError,
  isJimengError,
  type JimengError,
  type JimengErrorCode,
  type JimengErrorDetails,
  RateLimitedError,
  TaskExpiredError,
  TaskFailedError,
  TaskNotFoundError,
  TimeoutError,
  TooLargeError,
  UnauthorizedError,
  UpstreamError,
} from '../../src/index.ts';
import type { EdgeTask } from '../edge-task.ts';

/** A failed query as it crosses from the follower to a Worker: plain data, token scrubbed. */
export interface WireError {
  code: JimengErrorCode;
  /** Without the " (request id …)" the error class appends: it is added back on arrival. */
  message: string;
  taskId?: string;
  requestId?: string;
  httpStatus?: number;
  upstreamCode?: number;
  retryAfterMs?: number;
  retryable: boolean;
}

/**
 * What a follower sends each watcher, one JSON object per line. `polled` marks the answer of a
 * query (a watcher's query budget counts those); the state a watcher gets on arrival, and the
 * `archived` change after a copy, are not queries.
 */
export type FollowerUpdate =
  | { type: 'task'; task: EdgeTask; polled: boolean }
  | { type: 'error'; error: WireError; polled: boolean };

type ErrorClass = new (message: string, details?: JimengErrorDetails) => JimengError;

const classByCode: Record<JimengErrorCode, ErrorClass> = {
  invalid_task_id: InvalidTaskIdError,
  invalid_request: InvalidRequestError,
  unauthorized: UnauthorizedError,
  rate_limited: RateLimitedError,
  api_error: ApiError,
  task_failed: TaskFailedError,
  task_not_found: TaskNotFoundError,
  task_expired: TaskExpiredError,
  timeout: TimeoutError,
  upstream_error: UpstreamError,
  aborted: AbortedError,
  too_large: TooLargeError,
};

export function toWireError(
  error: unknown,
  taskId: string,
  redact: (text: string) => string,
): WireError {
  if (!isJimengError(error)) {
    // A bug of ours: its message could hold anything, so it stays here.
    console.error('follower: unexpected error', error instanceof Error ? error.name : typeof error);
    return {
      code: 'upstream_error',
      message: `Unexpected error while following task ${taskId}.`,
      taskId,
      retryable: true,
    };
  }
  const suffix = error.requestId ? ` (request id ${error.requestId})` : '';
  const message =
    suffix && error.message.endsWith(suffix)
      ? error.message.slice(0, -suffix.length)
      : error.message;
  return {
    code: error.code,
    message: redact(message),
    taskId: error.taskId ?? taskId,
    ...(error.requestId ? { requestId: error.requestId } : {}),
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    retryable: error.retryable,
  };
}

/** The error again, of the class its code names, so `onError` answers it as it would have. */
export function fromWireError(wire: WireError): JimengError {
  const ErrorOfCode = classByCode[wire.code] ?? UpstreamError;
  return new ErrorOfCode(wire.message, {
    taskId: wire.taskId,
    requestId: wire.requestId,
    httpStatus: wire.httpStatus,
    upstreamCode: wire.upstreamCode,
    retryAfterMs: wire.retryAfterMs,
    retryable: wire.retryable,
  });
}
