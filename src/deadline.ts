import type { Clock } from './clock.ts';
import {
  AbortedError,
  InvalidRequestError,
  isTimeoutReason,
  type JimengError,
  TimeoutError,
} from './errors.ts';

/**
 * One budget for a whole call: every attempt, retry wait and poll sleep is bounded by it, so a
 * caller's `timeoutMs` or `signal` ends everything at once. It holds no timer of its own: only
 * an attempt in flight needs one (see `startAttempt`), which keeps the common path cheap.
 */
export interface Deadline {
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Epoch ms when time runs out; Infinity without a timeout. */
  readonly at: number;
  remaining(): number;
  /** Why the call must stop now, if it must. */
  reason(): 'aborted' | 'timeout' | undefined;
  /** Records that a timer set for the deadline fired: from then on `reason()` says timeout. */
  expire(): void;
}

/**
 * Refuses a budget that would not bound anything: NaN, 0, a negative, or a string ('5000' > 0
 * holds, and a string deadline is no deadline), any of which would let a stalled call run on.
 */
export function assertTimeoutMs(
  timeoutMs: unknown,
  taskId?: string,
): asserts timeoutMs is number | undefined {
  if (timeoutMs === undefined || (typeof timeoutMs === 'number' && timeoutMs > 0)) return;
  const got = typeof timeoutMs === 'string' ? `the string "${timeoutMs}"` : String(timeoutMs);
  throw new InvalidRequestError(
    `Invalid option: timeoutMs must be a positive number of milliseconds, got ${got}.`,
    { taskId },
  );
}

export function startDeadline(
  clock: Clock,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Deadline {
  const { signal, timeoutMs } = options;
  const at =
    timeoutMs === undefined || !Number.isFinite(timeoutMs) ? Infinity : clock.now() + timeoutMs;
  let expired = false;
  return {
    signal,
    at,
    remaining: () => at - clock.now(),
    reason: () =>
      signal?.aborted ? 'aborted' : expired || clock.now() >= at ? 'timeout' : undefined,
    expire: () => {
      expired = true;
    },
  };
}

/** One request under a deadline: its signal fires on the caller's abort, the deadline or `maxMs`. */
export interface Attempt {
  readonly signal: AbortSignal;
  /** True when the attempt's own time ran out (not the caller's). */
  timedOut(): boolean;
  /** Removes the timer and the listener. Call it in `finally`. */
  dispose(): void;
}

export function startAttempt(clock: Clock, deadline: Deadline, maxMs = Infinity): Attempt {
  const controller = new AbortController();
  const parent = deadline.signal;
  let timedOut = false;
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  const remaining = deadline.remaining();
  const endsCall = remaining <= maxMs;
  const ms = Math.min(maxMs, remaining);
  const cancel = Number.isFinite(ms)
    ? clock.schedule(Math.max(0, ms), () => {
        // A timer can fire a moment before the clock reads its time (Node starts timers from
        // the event loop's cached time): when it was the deadline's, the deadline has passed.
        if (endsCall) deadline.expire();
        else timedOut = true;
        controller.abort(new DOMException('Attempt timed out', 'TimeoutError'));
      })
    : undefined;
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      parent?.removeEventListener('abort', onAbort);
      cancel?.();
    },
  };
}

/** Sleeps at most until the deadline; rejects the moment the caller aborts. */
export function sleepWithin(clock: Clock, deadline: Deadline, ms: number): Promise<void> {
  return clock.sleep(Math.max(0, Math.min(ms, deadline.remaining())), deadline.signal);
}

/** The error for a call its deadline ended; `what` says what was being waited for. */
export function deadlineError(
  deadline: Deadline,
  what: string,
  details: {
    taskId?: string | undefined;
    requestId?: string | undefined;
    timeoutMs?: number | undefined;
  },
): JimengError {
  if (deadline.reason() === 'aborted') {
    // `AbortSignal.timeout(ms)` aborts with a TimeoutError: the caller set a time limit, and a
    // script that retries on timeout but stops on cancel must be able to tell the two apart.
    if (isTimeoutReason(deadline.signal?.reason)) {
      return new TimeoutError(`Timed out (the signal's own timeout) while ${what}.`, {
        taskId: details.taskId,
        requestId: details.requestId,
      });
    }
    return new AbortedError(`Cancelled while ${what}.`, {
      taskId: details.taskId,
      requestId: details.requestId,
    });
  }
  const after =
    details.timeoutMs === undefined ? '' : ` after ${formatDuration(details.timeoutMs)}`;
  return new TimeoutError(`Timed out${after} while ${what}.`, {
    taskId: details.taskId,
    requestId: details.requestId,
  });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}
