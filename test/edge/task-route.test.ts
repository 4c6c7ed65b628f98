import { describe, expect, it } from 'vitest';
import { auth, sleep, TOKEN, useEdge } from './edge-harness.ts';

const edge = useEdge();

describe('GET /task/:id', () => {
  it('answers a running task as the normalised Task, not cached', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    const response = await edge.call(`/task/${id}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const task = await response.json();
    expect(task).toMatchObject({ id, status: 'queued', videoUrl: null });
  });

  it('keeps ids above 2^63 exact', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const text = await (await edge.call(`/task/${id}`, { headers: auth })).text();
    expect(text).toContain(`"id":"${id}"`);
  });

  it('answers a done task with its video URL and a max-age within the URL life', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const response = await edge.call(`/task/${id}`, { headers: auth });
    const task = await response.json();
    expect(task.status).toBe('done');
    expect(task.videoUrl).toMatch(/\/video\//);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(Date.now() + maxAge * 1000).toBeLessThan(Date.parse(task.videoUrlExpiresAt));
  });

  it('a second query for a terminal task makes no upstream call (Cache API)', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    await edge.call(`/task/${id}`, { headers: auth });
    expect(edge.queriesFor(id)).toBe(1);
    const again = await edge.call(`/task/${id}`, { headers: auth });
    expect((await again.json()).status).toBe('done');
    expect(edge.queriesFor(id)).toBe(1);
  });

  it('a running task is asked again every time', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    await edge.call(`/task/${id}`, { headers: auth });
    await edge.call(`/task/${id}`, { headers: auth });
    expect(edge.queriesFor(id)).toBe(2);
  });

  it('concurrent requests for the same pending task share one upstream query', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    edge.sim.fault({ kind: 'delay', ms: 150, route: 'task' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => edge.call(`/task/${id}`, { headers: auth })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(edge.queriesFor(id)).toBe(1);
  });

  it('?wait=N holds the request until the task is done', async () => {
    const id = edge.sim.addTask({ durationMs: 300 });
    const response = await edge.call(`/task/${id}?wait=5`, { headers: auth });
    expect((await response.json()).status).toBe('done');
    expect(edge.queriesFor(id)).toBeGreaterThan(1);
  });

  it('?wait=N answers the latest state once N seconds pass', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    const started = Date.now();
    const response = await edge.call(`/task/${id}?wait=0.3`, { headers: auth });
    expect(response.status).toBe(200);
    expect(['queued', 'processing']).toContain((await response.json()).status);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('?wait with a failed task answers the failed task', async () => {
    const id = edge.sim.addTask({ durationMs: 100, outcome: 'failed' });
    const response = await edge.call(`/task/${id}?wait=5`, { headers: auth });
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('failed');
  });

  it('400 for a bad id, with the one error shape', async () => {
    const response = await edge.call('/task/12%2034', { headers: auth });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_task_id', message: expect.stringContaining('whitespace') },
    });
  });

  it('400 for a wait that is not a number', async () => {
    const response = await edge.call('/task/123?wait=soon', { headers: auth });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_request');
  });

  it('404 for a task the provider does not know', async () => {
    const response = await edge.call('/task/1234567890123456789', { headers: auth });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe('task_not_found');
    expect(error.requestId).toEqual(expect.any(String));
  });

  it('410 for a task that expired upstream', async () => {
    const id = edge.sim.addTask({ durationMs: 0, outcome: 'expired' });
    const response = await edge.call(`/task/${id}`, { headers: auth });
    expect(response.status).toBe(410);
    expect((await response.json()).error.code).toBe('task_expired');
  });

  it('404 JSON for an unknown route', async () => {
    const response = await edge.call('/nope', { headers: auth });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });

  it('never lets the token out', async () => {
    await sleep(0);
    expect(edge.seen.length).toBeGreaterThan(10);
    for (const text of edge.seen) expect(text).not.toContain(TOKEN);
  });
});
