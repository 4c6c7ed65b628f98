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

export class JimengError extends Error {
  override name = 'JimengError';
  readonly code: JimengErrorCode;
  readonly taskId: string | undefined;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly upstreamCode: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;

  constructor(code: JimengErrorCode, message: string, details: JimengErrorDetails = {}) {
    super(
      details.requestId ? `${message} (request id ${details.requestId})` : message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
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

export class InvalidTaskIdError extends JimengError {
  override name = 'InvalidTaskIdError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('invalid_task_id', message, details);
  }
}

export class InvalidRequestError extends JimengError {
  override name = 'InvalidRequestError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('invalid_request', message, details);
  }
}

export class UnauthorizedError extends JimengError {
  override name = 'UnauthorizedError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('unauthorized', message, details);
  }
}

export class RateLimitedError extends JimengError {
  override name = 'RateLimitedError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('rate_limited', message, { retryable: true, ...details });
  }
}

export class ApiError extends JimengError {
  override name = 'ApiError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('api_error', message, details);
  }
}

export class TaskFailedError extends JimengError {
  override name = 'TaskFailedError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('task_failed', message, details);
  }
}

export class TaskNotFoundError extends JimengError {
  override name = 'TaskNotFoundError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('task_not_found', message, details);
  }
}

export class TaskExpiredError extends JimengError {
  override name = 'TaskExpiredError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('task_expired', message, details);
  }
}

export class TimeoutError extends JimengError {
  override name = 'TimeoutError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('timeout', message, details);
  }
}

export class UpstreamError extends JimengError {
  override name = 'UpstreamError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('upstream_error', message, details);
  }
}

export class AbortedError extends JimengError {
  override name = 'AbortedError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('aborted', message, details);
  }
}

export class TooLargeError extends JimengError {
  override name = 'TooLargeError' as const;
  constructor(message: string, details?: JimengErrorDetails) {
    super('too_large', message, details);
  }
}

export function isJimengError(value: unknown): value is JimengError {
  return value instanceof JimengError;
}
