import { describe, expect, it } from 'vitest';
import { FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { auth, json, T0, TWO_POW_63, useServedSimulator } from './harness.ts';

// POST /task/jimeng/text2video and image2video: ids, checks and the proxy's body limit.
const h = useServedSimulator();

describe('create endpoints', () => {
  it('text2video answers a string task id above 2^63 that survives as text', async () => {
    const response = await h.create('text2video', {
      prompt: 'a cat',
      aspect_ratio: '9:16',
      seed: 3,
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    const [, raw] = /"task_id":"(\d+)"/.exec(text) ?? [];
    expect(raw).toMatch(/^\d{20}$/);
    expect(BigInt(raw ?? '0') > TWO_POW_63).toBe(true);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ code: 10000, message: 'Success', status: 10000 });
    expect(body.data.task_id).toBe(raw);
    expect((await json(await h.query(body.data.task_id))).data.status).toBe('in_queue');
  });

  it("ids are all different, 20 digits, between 2^63 and 2^64 like the provider's", async () => {
    const ids = new Set(Array.from({ length: 50 }, () => h.sim.addTask()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^\d{20}$/);
      expect(BigInt(id) > TWO_POW_63).toBe(true);
      // The provider's ids are unsigned 64-bit: a client may store them so.
      expect(BigInt(id) < 2n ** 64n).toBe(true);
    }
  });

  it('image2video takes image_urls, 9:21, and reports them back', async () => {
    const body = await json(
      await h.create('image2video', {
        prompt: 'move',
        aspect_ratio: '9:21',
        image_urls: ['https://x/a.png'],
      }),
    );
    h.now += 10_000;
    const task = await json(await h.query(body.data.task_id));
    expect(task.data.image_urls).toEqual(['https://x/a.png']);
    expect(JSON.parse(task.data.resp_data).infer_ctx.params.req_key).toBe('vgfm_i2v_l20');
  });

  it.each([
    ['text2video', {}],
    ['text2video', { prompt: 'x'.repeat(151) }],
    ['text2video', { prompt: 'a cat', aspect_ratio: '2:1' }],
    ['text2video', { prompt: 'a cat', aspect_ratio: '9:21' }],
    ['text2video', { prompt: 'a cat', seed: 1.5 }],
    ['text2video', { prompt: 'a cat', seed: '3' }],
    ['image2video', { prompt: 'a cat' }],
    ['image2video', { prompt: 'a cat', image_urls: [] }],
  ] as const)('%s rejects %j with 50215, HTTP 400', async (kind, body) => {
    const response = await h.create(kind, body);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 50215, data: null });
  });

  it('a body over 32 MiB is refused with the proxy 413 page, and the server carries on', async () => {
    const response = await fetch(`${h.url}/task/jimeng/image2video`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a', binary_data_base64: ['A'.repeat(32 * 1024 * 1024)] }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('413 Request Entity Too Large');
    expect((await h.create('text2video', { prompt: 'a cat' })).status).toBe(200);
  });

  it('a body declared over 32 MiB is refused before it is read', async () => {
    const body = new ReadableStream({ pull: () => new Promise(() => {}) });
    const request = new Request(`${h.url}/task/jimeng/text2video`, {
      method: 'POST',
      headers: { ...auth, 'content-length': String(32 * 1024 * 1024 + 1) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect((await h.sim.fetch(request)).status).toBe(413);
  });

  it('a prompt of exactly 150 characters is accepted', async () => {
    expect((await h.create('text2video', { prompt: 'x'.repeat(150) })).status).toBe(200);
  });

  it('[moderation] in the prompt answers 50412 and creates nothing', async () => {
    const response = await h.create('text2video', { prompt: 'a cat [moderation]' });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body).toMatchObject({ code: 50412, data: null });
    expect(body.message).toMatch(/moderation/);
    expect(h.sim.requests.at(-1)?.taskId).toBeUndefined();
  });

  it('[fail] in the prompt makes a task that ends failed', async () => {
    const body = await json(await h.create('text2video', { prompt: 'a cat [fail]' }));
    h.now += 10_000;
    expect((await json(await h.query(body.data.task_id))).data.status).toBe('failed');
  });

  it('every API request is recorded with its task id', async () => {
    const body = await json(await h.create('text2video', { prompt: 'a cat' }));
    await h.query(FIXTURE_TASK_ID);
    expect(h.sim.requests).toEqual([
      { method: 'POST', path: '/task/jimeng/text2video', at: T0, taskId: body.data.task_id },
      { method: 'GET', path: `/task/${FIXTURE_TASK_ID}`, at: T0, taskId: FIXTURE_TASK_ID },
    ]);
  });
});
