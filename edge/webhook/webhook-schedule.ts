/**
 * When a webhook is tried again after a failed attempt: the schedule Standard Webhooks suggests
 * (at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), eight attempts over about 28 hours.
 */
export const WEBHOOK_RETRY_DELAYS_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const;

/**
 * The wait after `attempts` failed attempts, or undefined once they are spent. `scale` shrinks
 * the schedule for tests (EDGE_WEBHOOK_BACKOFF_SCALE); up to 10% jitter keeps receivers that
 * failed together from being retried all at once.
 */
export function webhookRetryDelayMs(
  attempts: number,
  scale = 1,
  random: () => number = Math.random,
): number | undefined {
  const base = WEBHOOK_RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return undefined;
  return base * scale * (1 + 0.1 * random());
}
