import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { timerQueue } from '../src/timer-queue.ts';
import { root, runtimes } from './runtimes.ts';

/** Schedules `name` on `queue` and resolves with it when it runs. */
function ran(queue: ReturnType<typeof timerQueue>, name: string, ms: number, log: string[]) {
  return new Promise<string>((resolve) =>
    queue(ms, () => {
      log.push(name);
      resolve(name);
    }),
  );
}

describe('timerQueue: many callbacks on one timer', () => {
  it('runs each callback once, in the order of its time, whatever the order it came in', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    await Promise.all([
      ran(queue, 'late', 40, log),
      ran(queue, 'first', 5, log),
      ran(queue, 'mid', 20, log),
    ]);
    expect(log).toEqual(['first', 'mid', 'late']);
  });

  it('a callback scheduled after a later one still runs on its own time', async () => {
    const queue = timerQueue();
    const cancelLong = queue(60_000, () => {
      throw new Error('the 60 s callback ran');
    });
    const started = performance.now();
    await ran(queue, 'soon', 10, []);
    expect(performance.now() - started).toBeLessThan(1000);
    cancelLong();
  });

  it('a cancelled callback never runs, and the others still do', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    const cancel = queue(5, () => log.push('cancelled'));
    const after = ran(queue, 'kept', 30, log);
    cancel();
    await after;
    expect(log).toEqual(['kept']);
  });

  it('keeps running callbacks after the queue has emptied and filled again', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      queue(60_000, () => log.push('never'))();
      await ran(queue, name, 5, log);
    }
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('a delay past the longest a timer holds waits instead of firing at once', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    const cancel = queue(2 ** 31 + 1000, () => log.push('weeks'));
    await ran(queue, 'now', 20, log);
    expect(log).toEqual(['now']);
    cancel();
  });

  it('a delay that is not a number waits no time, as setTimeout would', async () => {
    const queue = timerQueue();
    await expect(ran(queue, 'nan', Number.NaN, [])).resolves.toBe('nan');
  });

  it('a callback due at once runs without a warning on Bun, which warns about negative delays', async () => {
    const clock = join(root, 'src/clock.ts');
    const script = `import { systemClock } from ${JSON.stringify(clock)}; systemClock.schedule(0, () => console.log('ran'));`;
    const { stdout, stderr } = await promisify(execFile)(runtimes.bun, ['-e', script]);
    expect(stdout.trim()).toBe('ran');
    expect(stderr).toBe('');
  });
});
