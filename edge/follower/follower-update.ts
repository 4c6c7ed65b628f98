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
import { RenderedTask, type TaskHead } from '../rendered-task.ts';

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
 * What a follower sends each watcher. `polled` marks the answer of a query (a watcher's query
 * budget counts those); the state a watcher gets on arrival is not one.
 */
export type FollowerUpdate =
  | { type: 'task'; task: RenderedTask; polled: boolean }
  | { type: 'error'; error: WireError; polled: boolean };

type UpdateHead =
  | { type: 'task'; task: TaskHead; polled: boolean }
  | { type: 'error'; error: WireError; polled: boolean };

/**
 * One update per line: its head as JSON and, for a task, a tab and the task's JSON as rendered
 * once by the follower. JSON.stringify never writes a raw tab or newline, so neither part can
 * hold one, and a watcher splits the line without parsing the task.
 */
export function updateLine(update: FollowerUpdate): string {
  if (update.type === 'error') return `${JSON.stringify(update)}\n`;
  const { task, polled } = update;
  return `${JSON.stringify({ type: 'task', task: task.head, polled } satisfies UpdateHead)}\t${task.json}\n`;
}

/** A line of `updateLine` (without its newline) as the update it was. */
export function readUpdate(line: string): FollowerUpdate {
  const tab = line.indexOf('\t');
  const head = JSON.parse(tab === -1 ? line : line.slice(0, tab)) as UpdateHead;
  if (head.type === 'error') return head;
  return {
    type: 'task',
    task: new RenderedTask(head.task, line.slice(tab + 1)),
    polled: head.polled,
  };
}

type ErrorOf = (message: string, details: JimengErrorDetails) => JimengError;

const errorByCode: Record<JimengErrorCode, ErrorOf> = {
  // Ids are checked before any query: this one only completes the table.
  invalid_task_id: (message, details) =>
    new InvalidTaskIdError(message, { ...details, problem: 'it is not a task id' }),
  invalid_request: (message, details) => new InvalidRequestError(message, details),
  unauthorized: (message, details) => new UnauthorizedError(message, details),
  rate_limited: (message, details) => new RateLimitedError(message, details),
  api_error: (message, details) => new ApiError(message, details),
  task_failed: (message, details) => new TaskFailedError(message, details),
  task_not_found: (message, details) => new TaskNotFoundError(message, details),
  task_expired: (message, details) => new TaskExpiredError(message, details),
  timeout: (message, details) => new TimeoutError(message, details),
  upstream_error: (message, details) => new UpstreamError(message, details),
  aborted: (message, details) => new AbortedError(message, details),
  too_large: (message, details) => new TooLargeError(message, details),
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
  const errorOf = errorByCode[wire.code] ?? errorByCode.upstream_error;
  return errorOf(wire.message, {
    taskId: wire.taskId,
    requestId: wire.requestId,
    httpStatus: wire.httpStatus,
    upstreamCode: wire.upstreamCode,
    retryAfterMs: wire.retryAfterMs,
    retryable: wire.retryable,
  });
}
