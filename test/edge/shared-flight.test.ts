import { describe, expect, it } from 'vitest';
import { sharedFlight } from '../../edge/shared-flight.ts';

const timedOut = (key: string) => new Error(`timed out waiting for ${key}`);

describe('sharedFlight', () => {
  it('callers of one key share one run, and a call after it settles runs again', async () => {
    let runs = 0;
    const flight = sharedFlight<string, number>(1_000, timedOut);
    const run = async () => ++runs;
    const [a, b, c] = await Promise.all([flight('t', run), flight('t', run), flight('t', run)]);
    expect([a, b, c]).toEqual([1, 1, 1]);
    expect(await flight('t', run)).toBe(2);
  });

  it('a run that never settles is taken as lost after maxWaitMs: the next caller runs it again', async () => {
    let clock = 0;
    const flight = sharedFlight<string, string>(30, timedOut, () => clock);
    // The leading request was cancelled mid-I/O: its promise never settles.
    void flight('t', () => new Promise<string>(() => {}));
    await expect(flight('t', async () => 'unused')).rejects.toThrow('timed out waiting for t');
    clock = 30;
    let answer!: (value: string) => void;
    const fresh = flight('t', () => new Promise<string>((resolve) => (answer = resolve)));
    // The fresh run is shared as any other.
    const joiner = flight('t', async () => 'not run');
    answer('fresh');
    await expect(Promise.all([fresh, joiner])).resolves.toEqual(['fresh', 'fresh']);
  });
});
