import { describe, expect, it } from 'vitest';
import { pollDelayMs } from '../../src/index.ts';
import { auth, FAST_VARS, sleep, useEdge } from './edge-harness.ts';

const edge = useEdge();

/** The most queries one schedule can make over a task's life: every wait at its shortest. */
function oneScheduleAtMost(durationMs: number): number {
  const intervalMs = Number(FAST_VARS.EDGE_POLL_INTERVAL_MS);
  let queries = 1; // at once, for the first watcher
  for (let t = 0; t < durationMs; queries++) {
    t += pollDelayMs(t, { intervalMs, maxIntervalMs: 30_000 }, () => 0);
  }
  return queries;
}

async function waitWatcher(id: string) {
  const response = await edge.call(`/task/${id}?wait=20`, { headers: auth });
  return ((await response.json()) as { status: string }).status;
}

async function eventsWatcher(id: string) {
  const response = await fetch(`${edge.edge.url}/task/${id}/events`, { headers: auth });
  const text = await response.text();
  return /event: done\n/.test(text) ? 'done' : text.slice(-200);
}

describe('100 watchers of one task', () => {
  it('cost the provider the queries of one schedule, whenever they come', async () => {
    const durationMs = 2_000;
    const id = edge.sim.addTask({ durationMs });
    const created = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        // Spread over the task's life, and some after its end.
        await sleep(Math.random() * durationMs * 1.2);
        return i % 2 === 0 ? waitWatcher(id) : eventsWatcher(id);
      }),
    );
    expect(outcomes).toEqual(Array(100).fill('done'));
    const queries = edge.sim.requests.filter((r) => r.taskId === id && r.path.startsWith('/task/'));
    expect(queries.length).toBeLessThanOrEqual(oneScheduleAtMost(durationMs));
    // Polled through the task's life, not once per watcher or once at the end.
    expect(queries.length).toBeGreaterThanOrEqual(8);
    // Once one query has seen it done, nobody asks again.
    expect(queries.filter((r) => r.at >= created + durationMs).length).toBe(1);
  }, 20_000);
});
