import { describe, expect, it } from 'vitest';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { auth, TOKEN, useEdge } from './edge-harness.ts';

const stored = useEdge({ videos: true });
const linked = useEdge({ videos: false });
const stale = useEdge({ videos: false }, { urlTtlMs: -60_000 });

const videoRequests = (h: typeof stored) =>
  h.sim.requests.filter((r) => r.path.includes('/video/tos/'));

describe('GET /task/:id/video with R2 bound as VIDEOS', () => {
  it('copies the mp4 into R2 on first request and serves it', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    const response = await stored.call(`/task/${id}/video`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes).toEqual(sampleVideo());
    expect(videoRequests(stored).filter((r) => r.path.includes(id))).toHaveLength(1);
  });

  it('serves later requests from R2: no query, no download, even after the link died', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    await (await stored.call(`/task/${id}/video`, { headers: auth })).arrayBuffer();
    const before = stored.sim.requests.length;
    stored.sim.reset(); // the provider forgets everything: the R2 copy must not care
    const again = await stored.call(`/task/${id}/video`, { headers: auth });
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBe(sampleVideo().byteLength);
    expect(stored.sim.requests.length).toBe(0);
    expect(before).toBeGreaterThan(0);
  });

  it('answers a Range request with 206 and the exact bytes, so players can seek', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    const video = sampleVideo();
    const response = await stored.call(`/task/${id}/video`, {
      headers: { ...auth, range: 'bytes=100-199' },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${video.byteLength}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video.slice(100, 200));

    const tail = await stored.call(`/task/${id}/video`, {
      headers: { ...auth, range: 'bytes=-10' },
    });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(video.slice(-10));
  });

  it('416 for a range past the end', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    await (await stored.call(`/task/${id}/video`, { headers: auth })).arrayBuffer();
    const response = await stored.call(`/task/${id}/video`, {
      headers: { ...auth, range: 'bytes=99999999-' },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${sampleVideo().byteLength}`);
  });

  it('a Range it does not serve (another unit, several ranges, malformed) is ignored: 200 and the whole video', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    await (await stored.call(`/task/${id}/video`, { headers: auth })).arrayBuffer();
    for (const range of ['items=0-5', 'bytes=0-1,5-6', 'bytes=5-2', 'bytes=abc', 'bytes=-']) {
      const response = await stored.call(`/task/${id}/video`, { headers: { ...auth, range } });
      expect(response.status, range).toBe(200);
      expect(response.headers.get('content-range'), range).toBeNull();
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(sampleVideo());
    }
  });

  it('416 for an empty suffix range (bytes=-0)', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    await (await stored.call(`/task/${id}/video`, { headers: auth })).arrayBuffer();
    const response = await stored.call(`/task/${id}/video`, {
      headers: { ...auth, range: 'bytes=-0' },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${sampleVideo().byteLength}`);
  });

  it('concurrent first requests copy the video once', async () => {
    const id = stored.sim.addTask({ durationMs: 0 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => stored.call(`/task/${id}/video`, { headers: auth })),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    await Promise.all(answers.map((a) => a.arrayBuffer()));
    expect(videoRequests(stored).filter((r) => r.path.includes(id))).toHaveLength(1);
  });

  it('409 while the task is still running', async () => {
    const id = stored.sim.addTask({ durationMs: 60_000 });
    const response = await stored.call(`/task/${id}/video`, { headers: auth });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('task_not_done');
  });

  it('502 task_failed for a failed task, 404 for an unknown one', async () => {
    const id = stored.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const failed = await stored.call(`/task/${id}/video`, { headers: auth });
    expect(failed.status).toBe(502);
    expect((await failed.json()).error.code).toBe('task_failed');
    const missing = await stored.call('/task/1234567890123456789/video', { headers: auth });
    expect(missing.status).toBe(404);
  });
});

describe('GET /task/:id/video without R2', () => {
  it("redirects to the provider's link while it is valid", async () => {
    const id = linked.sim.addTask({ durationMs: 0 });
    const response = await linked.call(`/task/${id}/video`, { headers: auth });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${linked.served.url}/`)).toBe(true);
    expect(location).toContain('/video/tos/');
    expect(location).not.toContain(TOKEN);
    const video = await fetch(location);
    expect(video.headers.get('content-type')).toBe('video/mp4');
  });

  it('410 once the link has expired', async () => {
    const id = stale.sim.addTask({ durationMs: 0 });
    const response = await stale.call(`/task/${id}/video`, { headers: auth });
    expect(response.status).toBe(410);
    const { error } = await response.json();
    expect(error.code).toBe('video_expired');
    expect(error.message).toContain('VIDEOS');
  });
});
