import { describe, expect, it } from 'vitest';
import { RateLimitedError, UpstreamError } from '../../src/index.ts';
import { POLL_GROWTH, pollDelayMs } from '../../src/poll-interval.ts';
import {
  defaultRetryPolicy,
  parseRetryAfter,
  retryDelayMs,
  shouldRetry,
} from '../../src/retry-policy.ts';

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:07 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads an absurd Retry-After as the longest timer, never Infinity', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(2 ** 31 - 1);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now)).toBe(2 ** 31 - 1);
  });

  it('backs off exponentially with jitter, capped', () => {
    const error = new UpstreamError('x', { retryable: true });
    const delays = [0, 1, 2, 3, 10].map((n) => retryDelayMs(n, error, defaultRetryPolicy, () => 1));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
    const low = retryDelayMs(2, error, defaultRetryPolicy, () => 0);
    expect(low).toBe(1000);
  });

  it("honours the provider's Retry-After over its own backoff", () => {
    const error = new RateLimitedError('x', { retryAfterMs: 4200 });
    expect(retryDelayMs(0, error, defaultRetryPolicy)).toBe(4200);
  });

  it('never retries sooner than its own backoff, even when Retry-After is 0 or a past date', () => {
    // A proxy answering "Retry-After: 0" to every request in an outage would otherwise get all
    // the retries in one burst, with no time for the outage to pass.
    const now = Date.UTC(2026, 0, 1);
    for (const header of ['0', 'Wed, 31 Dec 2025 00:00:07 GMT']) {
      const error = new RateLimitedError('x', { retryAfterMs: parseRetryAfter(header, now) });
      expect(retryDelayMs(2, error, defaultRetryPolicy, () => 1)).toBe(2000);
    }
  });

  it('does not retry final errors, spent budgets or waits longer than the cap', () => {
    const p = defaultRetryPolicy;
    expect(shouldRetry(new UpstreamError('x', { retryable: false }), 0, p)).toBe(false);
    expect(shouldRetry(new UpstreamError('x', { retryable: true }), p.retries, p)).toBe(false);
    expect(shouldRetry(new RateLimitedError('x', { retryAfterMs: 3_600_000 }), 0, p)).toBe(false);
    expect(shouldRetry(new RateLimitedError('x', { retryAfterMs: 1000 }), 0, p)).toBe(true);
  });
});

describe('poll interval', () => {
  const options = { intervalMs: 1000, maxIntervalMs: 30_000 };

  it('starts at intervalMs and grows with the time spent', () => {
    expect(pollDelayMs(0, options, () => 1)).toBe(1000);
    expect(pollDelayMs(100_000, options, () => 1)).toBe(100_000 * POLL_GROWTH);
    expect(pollDelayMs(3_600_000, options, () => 1)).toBe(30_000);
  });

  it('stays under 10% of the elapsed time once past the first interval, whatever the jitter', () => {
    for (const elapsed of [20_000, 60_000, 300_000]) {
      for (const r of [0, 0.5, 1]) {
        expect(pollDelayMs(elapsed, options, () => r)).toBeLessThan(elapsed * 0.1);
      }
    }
  });
});
