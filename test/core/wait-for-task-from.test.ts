import { describe, expect, it } from 'vitest';
import { acceleratedClock, type Task, waitForTaskFrom } from '../../src/index.ts';
import { toTask } from '../../src/task.ts';

describe('waitForTaskFrom', () => {
  it('a query that throws synchronously rejects and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const pending = waitForTaskFrom('1', () => {
      throw new Error('bad query');
    });
    await expect(pending).rejects.toThrow('bad query');
    // Before, the query's 15-minute deadline timer stayed armed and held the process open.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('an invalid id is a rejection, like every other failure, not a synchronous throw', async () => {
    let queried = false;
    const query = async () => {
      queried = true;
      throw new Error('never asked');
    };
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = waitForTaskFrom('../admin', query);
    }).not.toThrow();
    await expect(pending).rejects.toMatchObject({ code: 'invalid_task_id' });
    expect(queried).toBe(false);
  });

  it('reports the provider moving from processing to generating, though both read processing', async () => {
    const upstream = ['in_queue', 'processing', 'processing', 'generating', 'generating', 'done'];
    let asked = 0;
    const query = async () => {
      const status = upstream[Math.min(asked++, upstream.length - 1)];
      return toTask('1', { status, image_urls: [], binary_data_base64: [] }, null, null, 0);
    };
    const seen: string[] = [];
    const task = await waitForTaskFrom('1', query, {
      clock: acceleratedClock(1_000),
      intervalMs: 100,
      onUpdate: (t: Task) => seen.push(`${t.status}/${t.upstreamStatus}`),
    });
    expect(task.status).toBe('done');
    expect(seen).toEqual([
      'queued/in_queue',
      'processing/processing',
      'processing/generating',
      'done/done',
    ]);
  });
});
