import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../src/concurrency-limit.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createConcurrencyLimit', () => {
  it('never runs more than max at once and keeps arrival order', async () => {
    const limit = createConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.active).toBe(2);
    expect(limit.queued).toBe(2);
    gates[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(limit.peak).toBe(2);
    expect(limit.active).toBe(0);
  });

  it('tells a waiter its place in line and each move forward', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const second = deferred();
    const positions: number[] = [];
    const secondRun = limit.run(() => second.promise);
    const third = limit.run(async () => {}, { onQueued: (p) => positions.push(p) });
    expect(positions).toEqual([2]);
    gate.resolve();
    await first;
    await Promise.resolve();
    expect(positions).toEqual([2, 1]);
    second.resolve();
    await Promise.all([secondRun, third]);
  });

  it('a waiter whose signal aborts leaves the line and rejects with its reason', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = limit.run(
      async () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(limit.queued).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('a waiter stopped by a plain abort() or AbortSignal.timeout() rejects with aborted or timeout', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const controller = new AbortController();
    const cancelled = limit.run(async () => {}, { signal: controller.signal });
    const timed = limit.run(async () => {}, { signal: AbortSignal.timeout(1) });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'aborted' });
    await expect(timed).rejects.toMatchObject({ code: 'timeout' });
    await expect(limit.run(async () => {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'aborted',
    });
    gate.resolve();
    await first;
  });

  it('a task that throws synchronously still frees its slot', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(
      limit.run(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(limit.active).toBe(0);
    await expect(limit.run(async () => 1)).resolves.toBe(1);
  });

  it('a waiter whose onQueued throws leaves the line with that error, and its task never runs', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(async () => {
      await gate.promise;
      return 'first';
    });
    let ran = false;
    const failing = limit.run(
      async () => {
        ran = true;
      },
      {
        onQueued: () => {
          throw new Error('bug in onQueued');
        },
      },
    );
    await expect(failing).rejects.toThrow('bug in onQueued');
    expect(limit.queued).toBe(0);
    gate.resolve();
    expect(await first).toBe('first');
    await Promise.resolve();
    expect(ran).toBe(false);
  });

  it("a waiter's onQueued throwing when the line moves does not fail the task that just ended", async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(async () => {
      await gate.promise;
      return 'first';
    });
    const second = deferred();
    const secondRun = limit.run(() => second.promise);
    const positions: number[] = [];
    let calls = 0;
    const third = limit.run(async () => 'third', {
      onQueued: () => {
        calls++;
        if (calls > 1) throw new Error('bug on the move');
      },
    });
    const fourth = limit.run(async () => 'fourth', { onQueued: (p) => positions.push(p) });
    gate.resolve();
    expect(await first).toBe('first');
    await expect(third).rejects.toThrow('bug on the move');
    // The fourth heard its place, which the third's leaving made 1.
    expect(positions).toEqual([3, 1]);
    second.resolve();
    await secondRun;
    expect(await fourth).toBe('fourth');
  });
});
