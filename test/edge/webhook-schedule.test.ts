import { describe, expect, it } from 'vitest';
import { webhookRetryDelayMs } from '../../edge/webhook/webhook-schedule.ts';

const HOUR = 60 * 60 * 1000;
const schedule = (random: () => number) =>
  Array.from({ length: 9 }, (_, i) => webhookRetryDelayMs(i + 1, 1, random));

describe('the webhook retry schedule', () => {
  it('eight attempts over about a day, then none', () => {
    const waits = schedule(() => 0);
    expect(waits.slice(0, 7).every((ms) => ms !== undefined)).toBe(true);
    expect(waits[7]).toBeUndefined();
    const total = waits.slice(0, 7).reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
    expect(total).toBeGreaterThan(24 * HOUR);
    expect(total).toBeLessThan(30 * HOUR);
    // Growing: a receiver down for a minute is tried again soon, one down for hours is not hammered.
    expect(waits.slice(0, 7)).toEqual([...waits.slice(0, 7)].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(waits[0]).toBe(5_000);
  });

  it('jitter of at most 10%, so receivers that failed together are not all retried at once', () => {
    const low = schedule(() => 0);
    const high = schedule(() => 0.999);
    for (let i = 0; i < 7; i++) {
      expect(high[i]).toBeGreaterThan(low[i] ?? 0);
      expect(high[i]).toBeLessThan((low[i] ?? 0) * 1.1);
    }
  });
});
