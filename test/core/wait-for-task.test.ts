import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/index.ts';
import { type Harness, rejectionOf, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

describe('waitForTask', () => {
  it('resolves when the task is done, reporting each status change once', async () => {
    const id = h.sim.addTask({ durationMs: 20_000 });
    const seen: string[] = [];
    const task = await h.client.waitForTask(id, { onUpdate: (t: Task) => seen.push(t.status) });
    expect(task.status).toBe('done');
    expect(task.videoUrl).toBeTruthy();
    expect(seen).toEqual(['queued', 'processing', 'done']);
  });

  it('rejects with the terminal failure: failed, expired, not_found', async () => {
    const failed = h.sim.addTask({ durationMs: 3_000, outcome: 'failed' });
    const expired = h.sim.addTask({ durationMs: 3_000, outcome: 'expired' });
    await expect(rejectionOf(h.client.waitForTask(failed))).resolves.toMatchObject({
      code: 'task_failed',
      taskId: failed,
    });
    await expect(rejectionOf(h.client.waitForTask(expired))).resolves.toMatchObject({
      code: 'task_expired',
    });
    const missing = await rejectionOf(h.client.waitForTask('12345678901234567890'));
    expect(missing.code).toBe('task_not_found');
    expect(missing.message).toMatch(/12 hours/);
  });

  it('does not spin on an unknown status and times out with the last status named', async () => {
    const id = h.sim.addTask({ durationMs: 1_000, outcome: { status: 'rendering_v2' } });
    const error = await rejectionOf(
      h.client.waitForTask(id, { timeoutMs: 120_000, intervalMs: 1_000 }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/rendering_v2/);
    // Two minutes with waits of at least a second that grow: far fewer than 120 queries.
    expect(h.taskQueries().length).toBeLessThan(60);
    expect(h.taskQueries().length).toBeGreaterThan(5);
  });

  it('a deadline that lands mid-query still names the last status and says the task may finish', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const error = await rejectionOf(
      h.client.waitForTask(id, {
        timeoutMs: 20_000,
        // Every query after the first hangs, so the deadline ends the wait inside one.
        onUpdate: () => h.sim.fault({ kind: 'hang', route: 'task', times: 100 }),
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/last status: in_queue/);
    expect(error.message).toMatch(/may still finish/);
  });

  it('keeps following through a provider outage that outlasts one query', async () => {
    const id = h.sim.addTask({ durationMs: 30_000 });
    h.sim.fault({ kind: 'html', status: 502, times: 6, route: 'task' });
    const task = await h.client.waitForTask(id);
    expect(task.status).toBe('done');
  });

  it('a Retry-After beyond its deadline ends the wait at once with rate_limited', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    h.sim.fault({ kind: 'status', status: 429, retryAfter: '3600', route: 'task', times: 100 });
    const started = h.clock.now();
    const error = await rejectionOf(h.client.waitForTask(id, { timeoutMs: 120_000 }));
    // Not a timeout two minutes later: no answer could come before the deadline.
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 3_600_000, taskId: id });
    expect(h.clock.now() - started).toBeLessThan(60_000);
    expect(h.taskQueries()).toHaveLength(1);
  });

  it('stops at once on a final error such as a refused token', async () => {
    h.sim.fault({ kind: 'proxy-error', status: 401, route: 'task' });
    const error = await rejectionOf(h.client.waitForTask('12345678901234567891'));
    expect(error.code).toBe('unauthorized');
    expect(h.taskQueries()).toHaveLength(1);
  });

  it('rejects with aborted the moment the signal fires, even mid-sleep', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const controller = new AbortController();
    const pending = rejectionOf(
      h.client.waitForTask(id, { signal: controller.signal, intervalMs: 60_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const before = h.taskQueries().length;
    const abortedAt = performance.now();
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('aborted');
    // The wait was in a 60 s sleep: ending within a blink means the sleep itself was cut.
    expect(performance.now() - abortedAt).toBeLessThan(250);
    expect(h.taskQueries().length).toBe(before);
  });

  it('an aborted wait keeps the request id of the last answer', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const controller = new AbortController();
    let last: Task | undefined;
    const pending = rejectionOf(
      h.client.waitForTask(id, {
        signal: controller.signal,
        onUpdate: (task) => {
          last = task;
          controller.abort();
        },
      }),
    );
    const error = await pending;
    expect(error.code).toBe('aborted');
    expect(error.requestId).toBe(last?.requestId);
    expect(error.requestId).toBeTruthy();
  });

  it('an async onUpdate that rejects ends the wait with its error, not an unhandled rejection', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const wait = h.client.waitForTask(id, {
        onUpdate: async () => {
          throw new Error('could not save the status');
        },
      });
      await expect(wait).rejects.toThrow('could not save the status');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a signal from AbortSignal.timeout() ends the wait as a timeout, not a cancel', async () => {
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const error = await rejectionOf(
      h.client.waitForTask(id, { signal: AbortSignal.timeout(30), intervalMs: 1_000 }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/signal/);
    expect(error.taskId).toBe(id);
  });

  it('many concurrent waits settle without leaving timers behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const ids = Array.from({ length: 200 }, () => h.sim.addTask({ durationMs: 5_000 }));
    const controller = new AbortController();
    const done = ids.slice(0, 100).map((id) => h.client.waitForTask(id));
    const aborted = ids
      .slice(100)
      .map((id) => rejectionOf(h.client.waitForTask(id, { signal: controller.signal })));
    await Promise.all(done);
    controller.abort();
    await Promise.all(aborted);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('refuses an interval that would hammer the provider', async () => {
    await expect(rejectionOf(h.client.waitForTask('1', { intervalMs: 1 }))).resolves.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('refuses a timeoutMs given as a string, as getTask does, instead of never timing out', async () => {
    // '5000' > 0 holds, and clock.now() + '5000' is a string: the wait had no deadline at all.
    const id = h.sim.addTask({ durationMs: 3_600_000 });
    const error = await rejectionOf(h.client.waitForTask(id, { timeoutMs: '5000' as never }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/timeoutMs/);
    expect(h.taskQueries()).toHaveLength(0);
  });

  it('refuses a maxIntervalMs that is not a number instead of polling every millisecond', async () => {
    // What Number(process.env.POLL_MAX_MS) gives when the variable is unset.
    const id = h.sim.addTask({ durationMs: 2_000 });
    const error = await rejectionOf(h.client.waitForTask(id, { maxIntervalMs: Number.NaN }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/maxIntervalMs/);
    expect(h.taskQueries()).toHaveLength(0);
  });
});
