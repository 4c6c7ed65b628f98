import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../bot/replies/progress-reporter.ts';
import type { Clock } from '../../src/index.ts';

/** A clock that moves only when the test says so. */
function manualClock() {
  let now = 0;
  const sleepers: { at: number; resolve: () => void; signal?: AbortSignal | undefined }[] = [];
  const clock: Clock = {
    now: () => now,
    schedule: (ms, fn) => {
      const controller = new AbortController();
      clock.sleep(ms, controller.signal).then(fn, () => {});
      return () => controller.abort();
    },
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        sleepers.push({ at: now + ms, resolve, signal });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const s of sleepers.splice(0)) {
      if (s.at <= now) s.resolve();
      else sleepers.push(s);
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  return { clock, advance };
}

describe('the progress reporter', () => {
  it('edits only when the text changes, at most once per interval', async () => {
    const { clock, advance } = manualClock();
    const sent: string[] = [];
    let text = 'queued';
    const reporter = createProgressReporter({
      clock,
      minIntervalMs: 5_000,
      render: () => text,
      send: async (t) => {
        sent.push(t);
        return true;
      },
    });
    reporter.update();
    await advance(0);
    expect(sent).toEqual(['queued']);
    reporter.update();
    await advance(1_000);
    expect(sent).toEqual(['queued']);
    text = 'generating';
    reporter.update();
    text = 'generating 2';
    reporter.update();
    await advance(1_000);
    expect(sent).toEqual(['queued']);
    await advance(3_000);
    expect(sent).toEqual(['queued', 'generating 2']);
    await advance(20_000);
    expect(sent).toEqual(['queued', 'generating 2']);
    await reporter.close();
  });

  it('stops for good once the reply can no longer be edited', async () => {
    const { clock, advance } = manualClock();
    const sent: string[] = [];
    let text = 'a';
    const reporter = createProgressReporter({
      clock,
      minIntervalMs: 10,
      render: () => text,
      send: async (t) => {
        sent.push(t);
        return false;
      },
    });
    reporter.update();
    await advance(0);
    text = 'b';
    await advance(100);
    reporter.update();
    expect(sent).toEqual(['a']);
    await reporter.close();
  });

  it('close waits for the edit in flight, so a final answer lands after it', async () => {
    const { clock } = manualClock();
    let release!: () => void;
    const order: string[] = [];
    const reporter = createProgressReporter({
      clock,
      minIntervalMs: 10,
      render: () => 'progress',
      send: (t) =>
        new Promise((resolve) => {
          release = () => {
            order.push(t);
            resolve(true);
          };
        }),
    });
    reporter.update();
    const closed = reporter.close().then(() => order.push('final'));
    release();
    await closed;
    expect(order).toEqual(['progress', 'final']);
  });
});
