import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { acceleratedClock } from '../../src/clock.ts';
import { timerQueue } from '../../src/timer-queue.ts';
import { root, runtimes } from '../runtimes.ts';

/** Schedules `name` on `queue` and resolves with it when it runs. */
function ran(queue: ReturnType<typeof timerQueue>, name: string, ms: number, log: string[]) {
  return new Promise<string>((resolve) =>
    queue(ms, () => {
      log.push(name);
      resolve(name);
    }),
  );
}

/** Holds the thread, as a slow callback would, so that several callbacks fall due at one fire. */
function block(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
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

  it('a delay that is not a number waits no time, as setTimeout would', async () => {
    const queue = timerQueue();
    await expect(ran(queue, 'nan', Number.NaN, [])).resolves.toBe('nan');
  });

  it('callbacks that fall due together run in the order of their time, as separate timers do', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    const all = Promise.all([
      ran(queue, '10 ms', 10, log),
      ran(queue, '5 ms', 5, log),
      ran(queue, '0 ms', 0, log),
    ]);
    block(20);
    await all;
    expect(log).toEqual(['0 ms', '5 ms', '10 ms']);
  });

  it('a callback cancelled by one that ran just before it, at the same fire, never runs', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    let cancelSecond = () => {};
    queue(5, () => {
      log.push('first');
      cancelSecond();
    });
    cancelSecond = queue(6, () => log.push('second'));
    const after = ran(queue, 'after', 7, log);
    block(20);
    await after;
    expect(log).toEqual(['first', 'after']);
  });

  it('a callback can schedule another from inside, and a cancel after the run or twice does nothing', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    let cancelOuter = () => {};
    await new Promise<void>((resolve) => {
      cancelOuter = queue(5, () => {
        log.push('outer');
        cancelOuter();
        queue(0, () => {
          log.push('inner');
          resolve();
        });
      });
    });
    cancelOuter();
    const cancelled = queue(1, () => log.push('cancelled'));
    cancelled();
    cancelled();
    await ran(queue, 'last', 5, log);
    expect(log).toEqual(['outer', 'inner', 'last']);
  });

  it('2,000 callbacks with random delays each run once, none early and none far behind', async () => {
    const queue = timerQueue();
    // Enough to interleave many fires; few enough that a loaded CI machine keeps to the bound.
    const count = 2_000;
    const runs = new Array<number>(count).fill(0);
    const due: number[] = [];
    const lateness: number[] = [];
    const cancelled = new Set<number>();
    const all = Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve) => {
          const ms = Math.random() * 100;
          due[i] = performance.now() + ms;
          const cancel = queue(ms, () => {
            runs[i] = (runs[i] ?? 0) + 1;
            lateness[i] = performance.now() - (due[i] ?? 0);
            resolve();
          });
          if (i % 10 === 0) {
            cancel();
            cancelled.add(i);
            resolve();
          }
        }),
    );
    const scheduled = performance.now();
    await Promise.all(all);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs.filter((n, i) => n !== (cancelled.has(i) ? 0 : 1))).toEqual([]);
    // Only those due after the last was scheduled: the others waited for the loop, not the queue.
    const measured = lateness.filter((_, i) => (due[i] ?? 0) > scheduled);
    expect(Math.min(...measured)).toBeGreaterThan(-1);
    expect(Math.max(...measured)).toBeLessThan(50);
  });

  it('a negative delay runs at once; an accelerated clock waits its time divided by the factor', async () => {
    const started = performance.now();
    await ran(timerQueue(), 'negative', -1000, []);
    expect(performance.now() - started).toBeLessThan(50);
    await acceleratedClock(1000).sleep(30_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    // Far under the 30 s an unaccelerated wait would take; loose enough for a loaded machine.
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('a delay past the longest a timer holds, or endless, waits until cancelled', async () => {
    const queue = timerQueue();
    const log: string[] = [];
    const cancels = [Number.POSITIVE_INFINITY, 2 ** 31 + 1000, Number.MAX_SAFE_INTEGER].map((ms) =>
      queue(ms, () => log.push(String(ms))),
    );
    await ran(queue, 'now', 20, log);
    for (const cancel of cancels) cancel();
    expect(log).toEqual(['now']);
  });

  it('a callback that throws does not stop the others due with it', async () => {
    const clock = join(root, 'src/clock.ts');
    const script = `import { systemClock } from ${JSON.stringify(clock)};
      process.on('uncaughtException', (error) => console.log('uncaught: ' + error.message));
      systemClock.schedule(5, () => { throw new Error('first'); });
      systemClock.schedule(6, () => console.log('second'));
      const end = performance.now() + 20; while (performance.now() < end);`;
    const { stdout } = await promisify(execFile)(runtimes.node22, [
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stdout.trim().split('\n')).toEqual(['uncaught: first', 'second']);
  });

  it('a callback due at once runs without a warning on Bun, which warns about negative delays', async () => {
    const clock = join(root, 'src/clock.ts');
    const script = `import { systemClock } from ${JSON.stringify(clock)}; systemClock.schedule(0, () => console.log('ran'));`;
    const { stdout, stderr } = await promisify(execFile)(runtimes.bun, ['-e', script]);
    expect(stdout.trim()).toBe('ran');
    expect(stderr).toBe('');
  });
});
