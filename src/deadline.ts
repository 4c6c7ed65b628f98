import type { Clock } from './clock.ts';
import { AbortedError, type JimengError, TimeoutError } from './errors.ts';

/**
 * One budget for a whole call: every attempt, retry wait and poll sleep runs under its
 * signal, so a caller's `timeoutMs` or `signal` ends everything at once.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Epoch ms when time runs out; Infinity without a timeout. */
  readonly at: number;
  remaining(): number;
  /** Why the signal fired, if it did. */
  reason(): 'aborted' | 'timeout' | undefined;
  /** Removes the timer and the listener on the caller's signal. Call it in `finally`. */
  dispose(): void;
}

export function startDeadline(
  clock: Clock,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Deadline {
  const controller = new AbortController();
  const { signal, timeoutMs } = options;
  let cancelTimer: (() => void) | undefined;
  const at =
    timeoutMs === undefined || !Number.isFinite(timeoutMs) ? Infinity : clock.now() + timeoutMs;
  let fired: 'aborted' | 'timeout' | undefined;

  const fire = (why: 'aborted' | 'timeout') => {
    if (fired) return;
    fired = why;
    controller.abort(
      why === 'timeout' ? new DOMException('Deadline reached', 'TimeoutError') : signal?.reason,
    );
    cancelTimer?.();
  };
  const onAbort = () => fire('aborted');

  if (signal?.aborted) fire('aborted');
  else signal?.addEventListener('abort', onAbort, { once: true });
  if (!fired && at !== Infinity) {
    cancelTimer = clock.schedule(Math.max(0, at - clock.now()), () => fire('timeout'));
  }

  return {
    signal: controller.signal,
    at,
    remaining: () => at - clock.now(),
    reason: () => fired ?? (clock.now() >= at ? 'timeout' : undefined),
    dispose() {
      signal?.removeEventListener('abort', onAbort);
      cancelTimer?.();
    },
  };
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
    return new AbortedError(`Cancelled while ${what}.`, { taskId: details.taskId });
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
