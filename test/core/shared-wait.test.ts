import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/index.ts';
import { createSharedWait } from '../../src/shared-wait.ts';
import { snapshot as task } from './harness.ts';

/** A fake `waitForTask` the test drives by hand. */
function manualWait() {
  const loops: {
    id: string;
    signal: AbortSignal | undefined;
    update: (t: Task) => void;
    finish: (t: Task) => void;
    fail: (e: unknown) => void;
  }[] = [];
  const wait = (
    id: string,
    options: { signal?: AbortSignal | undefined; onUpdate?: ((t: Task) => void) | undefined },
  ) =>
    new Promise<Task>((resolve, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
      loops.push({
        id,
        signal: options.signal,
        update: (t) => options.onUpdate?.(t),
        finish: resolve,
        fail: reject,
      });
    });
  return { loops, wait };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createSharedWait', () => {
  it('two followers of one task share one loop and both get the result', async () => {
    const { loops, wait } = manualWait();
    const shared = createSharedWait(wait);
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = shared.wait('1', { onUpdate: (t) => seenA.push(t.status) });
    await tick();
    loops[0]?.update(task('1', 'queued'));
    const b = shared.wait('1', { onUpdate: (t) => seenB.push(t.status) });
    await tick();
    expect(loops).toHaveLength(1);
    expect(shared.active).toBe(1);
    loops[0]?.update(task('1', 'processing'));
    loops[0]?.finish(task('1', 'done'));
    expect((await a).status).toBe('done');
    expect((await b).status).toBe('done');
    expect(seenA).toEqual(['queued', 'processing']);
    // The late follower hears the last known status at once.
    expect(seenB).toEqual(['queued', 'processing']);
    expect(shared.active).toBe(0);
  });

  it('a failure reaches every follower', async () => {
    const { loops, wait } = manualWait();
    const shared = createSharedWait(wait);
    const a = shared.wait('2');
    const b = shared.wait('2');
    await tick();
    loops[0]?.fail(new Error('task failed'));
    await expect(a).rejects.toThrow('task failed');
    await expect(b).rejects.toThrow('task failed');
  });

  it('the loop stops only when its last follower leaves', async () => {
    const { loops, wait } = manualWait();
    const shared = createSharedWait(wait);
    const one = new AbortController();
    const two = new AbortController();
    const a = shared.wait('3', { signal: one.signal });
    const b = shared.wait('3', { signal: two.signal });
    await tick();
    one.abort(new Error('bye'));
    await expect(a).rejects.toThrow('bye');
    expect(loops[0]?.signal?.aborted).toBe(false);
    two.abort(new Error('bye too'));
    await expect(b).rejects.toThrow('bye too');
    expect(loops[0]?.signal?.aborted).toBe(true);
    expect(shared.active).toBe(0);
    // A new follower after that starts afresh.
    const c = shared.wait('3');
    await tick();
    expect(loops).toHaveLength(2);
    loops[1]?.finish(task('3', 'done'));
    expect((await c).status).toBe('done');
  });

  it('a plain abort() or AbortSignal.timeout() ends a follow with aborted or timeout, as waitForTask does', async () => {
    const { wait } = manualWait();
    const shared = createSharedWait(wait);
    const cancel = new AbortController();
    const cancelled = shared.wait('4', { signal: cancel.signal });
    const timed = shared.wait('5', { signal: AbortSignal.timeout(1) });
    cancel.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'aborted', taskId: '4' });
    await expect(timed).rejects.toMatchObject({ code: 'timeout', taskId: '5' });
    const already = AbortSignal.abort();
    await expect(shared.wait('6', { signal: already })).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it('a follower whose onUpdate throws leaves with its own error; the others keep following', async () => {
    const { loops, wait } = manualWait();
    const shared = createSharedWait(wait);
    const seenB: string[] = [];
    const a = shared.wait('4', {
      onUpdate: () => {
        throw new Error('bug in A');
      },
    });
    const b = shared.wait('4', { onUpdate: (t) => seenB.push(t.status) });
    await tick();
    loops[0]?.update(task('4', 'queued'));
    await expect(a).rejects.toThrow('bug in A');
    // Joining late replays the last status: a throw there is the joiner's alone too.
    const c = shared.wait('4', {
      onUpdate: () => {
        throw new Error('bug in C');
      },
    });
    await expect(c).rejects.toThrow('bug in C');
    loops[0]?.update(task('4', 'processing'));
    loops[0]?.finish(task('4', 'done'));
    expect((await b).status).toBe('done');
    expect(seenB).toEqual(['queued', 'processing']);
    expect(loops[0]?.signal?.aborted).toBe(false);
  });

  it('the loop stops when the last follower leaves through a throwing onUpdate', async () => {
    const { loops, wait } = manualWait();
    const shared = createSharedWait(wait);
    const a = shared.wait('5', {
      onUpdate: () => {
        throw new Error('bug');
      },
    });
    await tick();
    loops[0]?.update(task('5', 'queued'));
    await expect(a).rejects.toThrow('bug');
    expect(loops[0]?.signal?.aborted).toBe(true);
    expect(shared.active).toBe(0);
  });
});
