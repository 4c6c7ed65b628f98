import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEdge, startEdge } from '../../edge/dev.ts';
import { auth, FAST_VARS, KEY, TOKEN, useEdge } from './edge-harness.ts';

// Two workerd processes with one Cache API storage, in front of one simulator: what two
// isolates of a colo share. Each has its own memory, so an answer the second one gives
// without asking upstream can only have come from the Cache API.
const dir = mkdtempSync(join(tmpdir(), 'jimeng-edge-cache-'));
const first = useEdge({ cachePersist: dir });
let second: RunningEdge;
beforeAll(async () => {
  second = await startEdge({
    baseURL: first.served.url,
    token: TOKEN,
    apiKeys: KEY,
    cachePersist: dir,
    vars: FAST_VARS,
  });
});
afterAll(async () => {
  await second?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (edge: RunningEdge, id: string) =>
  fetch(`${edge.url}/task/${id}`, { headers: auth }).then((r) => r.json());

describe('terminal answers in the Cache API', () => {
  it('a task done in one isolate costs another isolate no upstream query', async () => {
    const id = first.sim.addTask({ durationMs: 0 });
    expect((await ask(first.edge, id)).status).toBe('done');
    expect(first.queriesFor(id)).toBe(1);
    expect((await ask(second, id)).status).toBe('done');
    expect(first.queriesFor(id)).toBe(1);
  });

  it('a running task is never stored', async () => {
    const id = first.sim.addTask({ durationMs: 60_000 });
    await ask(first.edge, id);
    await ask(second, id);
    expect(first.queriesFor(id)).toBe(2);
  });

  it('a failed task is stored too: it will not change', async () => {
    const id = first.sim.addTask({ durationMs: 0, outcome: 'failed' });
    await ask(first.edge, id);
    expect((await ask(second, id)).status).toBe('failed');
    expect(first.queriesFor(id)).toBe(1);
  });
});
