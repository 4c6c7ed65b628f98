import { describe, expect, it } from 'vitest';
import { auth, useEdge } from './edge-harness.ts';

// Its own workerd: the isolate must be fresh, and serve nothing but this load.
const edge = useEdge({}, { durationMs: 3_600_000 });

describe('sustained load on one running task', () => {
  it('every concurrent caller gets the shared answer: none is cancelled as hung (500)', async () => {
    const id = edge.sim.addTask();
    // workerd cancelled callers waiting on another request's query as "hung" after about
    // 18,000 requests to one isolate, then 15 of every 16 callers got a 500.
    const total = 30_000;
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < total) {
          const response = await fetch(`${edge.edge.url}/task/${id}`, { headers: auth });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: total });
    // Shared: far fewer upstream queries than requests.
    expect(edge.queriesFor(id)).toBeLessThan(total / 4);
  }, 60_000);
});
