/**
 * How long to wait before the next query. The wait grows with the time already spent, so a
 * finished task is noticed within ~10% of its age (never more than `maxIntervalMs`) while a
 * long task costs far fewer queries than fixed polling.
 */
export const POLL_GROWTH = 0.09;

export interface PollIntervalOptions {
  intervalMs: number;
  maxIntervalMs: number;
}

export function pollDelayMs(
  elapsedMs: number,
  { intervalMs, maxIntervalMs }: PollIntervalOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxIntervalMs, Math.max(intervalMs, elapsedMs * POLL_GROWTH));
  // Jitter downwards only: spreads many waiters apart without ever stretching the delay bound.
  return base * (0.85 + 0.15 * random());
}
