/** Every failure of this library is a `JimengError`; callers switch on its stable `code`. */
export type JimengErrorCode =
  | 'invalid_task_id'
  | 'invalid_request'
  | 'unauthorized'
  | 'rate_limited'
  | 'api_error'
  | 'task_failed'
  | 'task_not_found'
  | 'task_expired'
  | 'timeout'
  | 'upstream_error'
  | 'aborted'
  | 'too_large';

export interface JimengErrorDetails {
  taskId?: string | undefined;
  /** The provider's `request_id`, what its support asks for. */
  requestId?: string | undefined;
  httpStatus?: number | undefined;
  /** The business `code` of the upstream body when it was not 10000. */
  upstreamCode?: number | undefined;
  upstreamMessage?: string | undefined;
  retryAfterMs?: number | undefined;
  /** Whether the same call may succeed later (used by the retry and polling loops). */
  retryable?: boolean | undefined;
  cause?: unknown;
}

export abstract class JimengError extends Error {
  override name = 'JimengError';
  abstract readonly code: JimengErrorCode;
  readonly taskId: string | undefined;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly upstreamCode: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, details: JimengErrorDetails = {}) {
    super(
      details.requestId ? `${message} (request id ${details.requestId})` : message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.taskId = details.taskId;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
    this.upstreamCode = details.upstreamCode;
    this.upstreamMessage = details.upstreamMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? false;
  }

  /** Plain data for logs and HTTP bodies; never includes the cause (it may hold request details). */
  toJSON() {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      taskId: this.taskId,
      requestId: this.requestId,
      httpStatus: this.httpStatus,
      upstreamCode: this.upstreamCode,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/** The id is empty, malformed or not a string; nothing was sent. */
export class InvalidTaskIdError extends JimengError {
  override name = 'InvalidTaskIdError' as const;
  readonly code = 'invalid_task_id' as const;
  /** What is wrong with the id ("it contains whitespace"), for callers that word their own reply. */
  readonly problem: string;

  constructor(message: string, details: JimengErrorDetails & { problem: string }) {
    super(message, details);
    this.problem = details.problem;
  }
}

/** An option or input was refused before sending (a prompt over 150 characters, say). */
export class InvalidRequestError extends JimengError {
  override name = 'InvalidRequestError' as const;
  readonly code = 'invalid_request' as const;
}

/** The provider refused the token. */
export class UnauthorizedError extends JimengError {
  override name = 'UnauthorizedError' as const;
  readonly code = 'unauthorized' as const;
}

export class RateLimitedError extends JimengError {
  override name = 'RateLimitedError' as const;
  readonly code = 'rate_limited' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super(message, { retryable: true, ...details });
  }
}

/** Any other refusal with a business `code` other than 10000, whatever the HTTP status. */
export class ApiError extends JimengError {
  override name = 'ApiError' as const;
  readonly code = 'api_error' as const;
}

export class TaskFailedError extends JimengError {
  override name = 'TaskFailedError' as const;
  readonly code = 'task_failed' as const;
}

export class TaskNotFoundError extends JimengError {
  override name = 'TaskNotFoundError' as const;
  readonly code = 'task_not_found' as const;
}

export class TaskExpiredError extends JimengError {
  override name = 'TaskExpiredError' as const;
  readonly code = 'task_expired' as const;
}

export class TimeoutError extends JimengError {
  override name = 'TimeoutError' as const;
  readonly code = 'timeout' as const;
}

/** The provider could not be reached, failed (5xx) or answered something unreadable. */
export class UpstreamError extends JimengError {
  override name = 'UpstreamError' as const;
  readonly code = 'upstream_error' as const;
}

export class AbortedError extends JimengError {
  override name = 'AbortedError' as const;
  readonly code = 'aborted' as const;
}

export class TooLargeError extends JimengError {
  override name = 'TooLargeError' as const;
  readonly code = 'too_large' as const;
}

export function isJimengError(value: unknown): value is JimengError {
  return value instanceof JimengError;
}

/**
 * Why a wait its caller's signal ended was stopped: a reason of the caller's own (an error it
 * aborted with) as it is; for a plain abort() or AbortSignal.timeout(), `aborted` or `timeout`.
 */
export function stoppedBy(
  signal: AbortSignal | undefined,
  message: string,
  taskId?: string,
): unknown {
  const reason = signal?.reason;
  if (reason !== undefined && !(reason instanceof DOMException)) return reason;
  return new (isTimeoutReason(reason) ? TimeoutError : AbortedError)(message, { taskId });
}

/** Whether a signal was aborted by `AbortSignal.timeout()`: a time limit, not a cancel. */
export function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
}
