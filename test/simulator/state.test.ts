import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.ts';
import { createTask, rememberTask, type SimTask } from '../../src/simulator/sim-task.ts';
import { auth } from './harness.ts';

// What a long-running simulator keeps: tasks the provider still knows, the latest requests.

describe('memory', () => {
  it('a submit drops the tasks the provider has forgotten, so a running simulator stays small', () => {
    const hour = 3_600_000;
    const tasks = new Map<string, SimTask>();
    const kept = { ...createTask({}, { now: 0, durationMs: 0 }), keptForever: true };
    tasks.set(kept.id, kept);
    const old = createTask({}, { now: 0, durationMs: 0 });
    rememberTask(tasks, old, 0);
    const recent = createTask({}, { now: 6 * hour, durationMs: 0 });
    rememberTask(tasks, recent, 6 * hour);
    const latest = createTask({}, { now: 13 * hour, durationMs: 0 });
    rememberTask(tasks, latest, 13 * hour);
    expect([...tasks.keys()]).toEqual([kept.id, recent.id, latest.id]);
  });
});

describe('request log', () => {
  it('keeps only the most recent requests, so a long-running server does not grow', async () => {
    const own = createSimulator({ keepRequests: 20 });
    for (let i = 1; i <= 100; i += 1) {
      await own.fetch(new Request(`http://sim/task/${i}`, { headers: auth }));
      expect(own.requests.length).toBeLessThanOrEqual(22);
      expect(own.requests.at(-1)?.taskId).toBe(String(i));
    }
    const kept = own.requests.length;
    expect(kept).toBeGreaterThanOrEqual(20);
    expect(own.requests.map((r) => r.taskId)).toEqual(
      Array.from({ length: kept }, (_, i) => String(101 - kept + i)),
    );
  });
});
