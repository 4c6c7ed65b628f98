import { describe, expect, it } from 'vitest';
import { waitForTaskFrom } from '../../src/index.ts';

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
});
