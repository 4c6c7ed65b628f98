import { describe, expect, it } from 'vitest';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { auth, type Harness, sleep, untilInR2, useEdge } from './edge-harness.ts';

const kept = useEdge();
const unkept = useEdge({ videos: false });

const downloads = (h: Harness, id: string) =>
  h.sim.requests.filter((r) => r.path.includes('/video/tos/') && r.path.includes(id)).length;

const submit = async (h: Harness) => {
  const response = await h.call('/tasks', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'A fox in the snow' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { taskId: string }).taskId;
};

describe('the video is kept the moment the task is done', () => {
  it('a task submitted here is copied into R2 with nobody asking, and /video outlives the link', async () => {
    const id = await submit(kept);
    expect(await untilInR2(kept, id)).toBe(true);
    expect(downloads(kept, id)).toBe(1);
    const task = await (await kept.call(`/task/${id}`, { headers: auth })).json();
    expect(task).toMatchObject({ id, status: 'done', archived: true });
    kept.sim.reset(); // the provider forgets the task, its link dies
    const video = await kept.call(`/task/${id}/video`, { headers: auth });
    expect(video.status).toBe(200);
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(sampleVideo());
    expect(kept.sim.requests).toHaveLength(0);
  });

  it('a task the provider has forgotten is still done: GET and ?wait answer what its follower saw', async () => {
    const id = await submit(kept);
    expect(await untilInR2(kept, id)).toBe(true);
    kept.sim.reset(); // 12 hours later: the provider answers not_found
    const plain = await kept.call(`/task/${id}`, { headers: auth });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ id, status: 'done', archived: true });
    const waited = await kept.call(`/task/${id}?wait=2`, { headers: auth });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ id, status: 'done', archived: true });
    // The follower's end survives the provider's answer: asked again, it is still done.
    const again = await kept.call(`/task/${id}`, { headers: auth });
    expect(await again.json()).toMatchObject({ status: 'done' });
    expect((await kept.call(`/task/${id}/video`, { headers: auth })).status).toBe(200);
  });

  it('a task nobody followed and the provider does not know is still a 404', async () => {
    const id = kept.sim.addTask({ durationMs: 0 });
    kept.sim.reset();
    const answer = await kept.call(`/task/${id}`, { headers: auth });
    expect(answer.status).toBe(404);
  });

  it('a watched task is copied too, once', async () => {
    const id = kept.sim.addTask({ durationMs: 200 });
    const answer = await kept.call(`/task/${id}?wait=5`, { headers: auth });
    expect(await answer.json()).toMatchObject({ status: 'done', archived: false });
    expect(await untilInR2(kept, id)).toBe(true);
    // GET says so as soon as the copy is there: the watch's `archived: false` was not cached.
    const task = await (await kept.call(`/task/${id}`, { headers: auth })).json();
    expect(task).toMatchObject({ status: 'done', archived: true });
    await sleep(100);
    expect(downloads(kept, id)).toBe(1);
  });

  it('a done task that plain GET finds without a copy is handed to its follower', async () => {
    const id = kept.sim.addTask({ durationMs: 0 });
    const first = await (await kept.call(`/task/${id}`, { headers: auth })).json();
    expect(first).toMatchObject({ status: 'done', archived: false });
    expect(await untilInR2(kept, id)).toBe(true);
    // The follower stored the task GET gave it: it asked the provider nothing.
    expect(kept.queriesFor(id)).toBe(1);
  });

  it('a link the video host refuses is replaced by querying the task again', async () => {
    const id = kept.sim.addTask({ durationMs: 0 });
    kept.sim.fault({ route: 'video', kind: 'status', status: 403 });
    await (await kept.call(`/task/${id}`, { headers: auth })).arrayBuffer();
    expect(await untilInR2(kept, id, 6_000)).toBe(true);
    expect(downloads(kept, id)).toBe(2);
    // GET's query, then the follower's own for a fresh link.
    expect(kept.queriesFor(id)).toBe(2);
  }, 10_000);

  it('without R2, archived stays false', async () => {
    const id = unkept.sim.addTask({ durationMs: 0 });
    const task = await (await unkept.call(`/task/${id}`, { headers: auth })).json();
    expect(task).toMatchObject({ status: 'done', archived: false });
  });
});
