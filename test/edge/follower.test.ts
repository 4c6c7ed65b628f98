import { describe, expect, it } from 'vitest';
import { auth, followerOf, type Harness, sleep, useEdge } from './edge-harness.ts';

// A long first interval: between two polls there is time to see that nobody else queries.
const slow = useEdge({ vars: { EDGE_POLL_INTERVAL_MS: '1000' } });
const fast = useEdge();
const idle = useEdge({ vars: { EDGE_FOLLOW_IDLE_MS: '400' } });
const brief = useEdge({ vars: { EDGE_FOLLOW_RETAIN_MS: '300' } });

/** Opens /task/:id/events and resolves once `count` named events have come. */
async function events(h: Harness, id: string) {
  const client = new AbortController();
  const response = await fetch(`${h.edge.url}/task/${id}/events`, {
    headers: auth,
    signal: client.signal,
  });
  const text = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  return {
    async until(pattern: RegExp) {
      while (!pattern.test(seen)) {
        const chunk = await text?.read();
        if (!chunk || chunk.done) break;
        seen += chunk.value;
      }
      return seen;
    },
    leave: () => client.abort(),
  };
}

describe('TaskFollower: one poll schedule per task', () => {
  it('a watcher that comes later gets the stored state at once, without a query of its own', async () => {
    const id = slow.sim.addTask({ durationMs: 60_000 });
    const first = await events(slow, id);
    await first.until(/event: status/);
    expect(slow.queriesFor(id)).toBe(1);
    await sleep(150);
    const started = Date.now();
    const late = await slow.call(`/task/${id}?wait=0.2`, { headers: auth });
    expect((await late.json()).status).toBe('queued');
    expect(Date.now() - started).toBeLessThan(900);
    // The next poll of the schedule is still most of a second away.
    expect(slow.queriesFor(id)).toBe(1);
    first.leave();
  });

  it('a repeated alarm queries nothing that is not due', async () => {
    const id = slow.sim.addTask({ durationMs: 60_000 });
    const watcher = await events(slow, id);
    await watcher.until(/event: status/);
    const follower = await followerOf(slow, id);
    await follower.runDue();
    await follower.runDue();
    await follower.runDue();
    expect(slow.queriesFor(id)).toBe(1);
    watcher.leave();
  });

  it('polls through several alarms on the core schedule, then stops at the end', async () => {
    const id = fast.sim.addTask({ durationMs: 1_000 });
    const watcher = await events(fast, id);
    await watcher.until(/event: done/);
    const queries = fast.queriesFor(id);
    // Every 85-100 ms for a second (the schedule's jittered first interval), one at once.
    expect(queries).toBeGreaterThanOrEqual(8);
    expect(queries).toBeLessThanOrEqual(14);
    await sleep(300);
    expect(fast.queriesFor(id)).toBe(queries);
  });

  it('goes idle once nobody has asked for EDGE_FOLLOW_IDLE_MS', async () => {
    const id = idle.sim.addTask({ durationMs: 60_000 });
    const answer = await idle.call(`/task/${id}?wait=0.1`, { headers: auth });
    expect(answer.status).toBe(200);
    const atLeave = idle.queriesFor(id);
    await sleep(700);
    const later = idle.queriesFor(id);
    // It kept polling for a while after the watcher left, then stopped.
    expect(later).toBeGreaterThan(atLeave);
    await sleep(300);
    expect(idle.queriesFor(id)).toBe(later);
  });

  it('an idle follower asked again resumes at once', async () => {
    const id = idle.sim.addTask({ durationMs: 1_500 });
    await (await idle.call(`/task/${id}?wait=0.05`, { headers: auth })).arrayBuffer();
    await sleep(600);
    const stopped = idle.queriesFor(id);
    await sleep(200);
    expect(idle.queriesFor(id)).toBe(stopped);
    const answer = await idle.call(`/task/${id}?wait=5`, { headers: auth });
    expect((await answer.json()).status).toBe('done');
    expect(idle.queriesFor(id)).toBeGreaterThan(stopped);
  });

  it('forgets a task submitted here once it has ended and the retention time has passed, failed as well as done', async () => {
    const followers = await Promise.all(
      ['A fox in the snow', 'A fox in the snow [fail]'].map(async (prompt) => {
        const response = await brief.call('/tasks', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ prompt }),
        });
        const { taskId } = (await response.json()) as { taskId: string };
        const follower = await followerOf(brief, taskId);
        // Asked while the task runs: its retention (300 ms) counts only once it is over.
        expect(await follower.origin()).toBeDefined();
        await (await brief.call(`/task/${taskId}?wait=5`, { headers: auth })).arrayBuffer();
        return follower;
      }),
    );
    await sleep(1_000);
    // Its storage is gone: the copy of a video that never came held the failed one forever.
    for (const follower of followers) expect(await follower.origin()).toBeUndefined();
  });
});
