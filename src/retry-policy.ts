import type { JimengError } from './errors.ts';
import { MAX_TIMER_MS } from './timer-queue.ts';

/** HTTP statuses worth asking again; the business codes are in business-codes.ts. */
export const retryStatusCodes: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

export interface RetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A provider asking for more than this is treated as "not now": the error is returned instead. */
  maxRetryAfterMs: number;
  /** How long one request may take before it counts as a failed attempt. */
  attemptTimeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: 30_000,
};

export function shouldRetry(error: JimengError, attempt: number, policy: RetryPolicy): boolean {
  if (!error.retryable || attempt >= policy.retries) return false;
  return error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs;
}

/** Exponential backoff with jitter; the provider's Retry-After wins when it asks for longer. */
export function retryDelayMs(
  attempt: number,
  error: JimengError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  // Retry-After is the least to wait: a 0 or a date already past must not turn the retries
  // into one burst.
  return Math.max(error.retryAfterMs ?? 0, backoff);
}

/**
 * `Retry-After` is either delta-seconds or an HTTP date. Capped at the longest timer a platform
 * honours: 400 digits of seconds would otherwise read as Infinity, a wait that never ends and a
 * message that says "try again in Infinity s".
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed)
    ? Math.round(Number(trimmed) * 1000)
    : Math.max(0, Date.parse(trimmed) - now);
  return Number.isNaN(ms) ? undefined : Math.min(ms, MAX_TIMER_MS);
}
