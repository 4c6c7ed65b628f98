import { describe, expect, it } from 'vitest';
import { FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { json, readFixture, shape, T0, useServedSimulator } from './harness.ts';

// GET /task/{id}: the answers a task gives over its life, in the provider's shapes.
const h = useServedSimulator();
const fixtureDone = readFixture('done.json');

describe('task query', () => {
  it('the fixture task is done from the start, with the fixture body structure and resp_data', async () => {
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(shape(body)).toEqual(shape(fixtureDone));
    // The provider's resp_data, but for the video it serves (the sample: see video.test.ts).
    const fixtureParams = JSON.parse(fixtureDone.data.resp_data).infer_ctx.params;
    expect(fixtureParams).toMatchObject({ width: 1280, height: 720, fps: 24, frames: 121 });
    const expected = JSON.parse(fixtureDone.data.resp_data);
    Object.assign(expected.infer_ctx.params, { width: 320, height: 180, fps: 24, frames: 36 });
    expect(body.data.resp_data).toBe(JSON.stringify(expected));
    expect(body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(body.data.image_urls).toBeNull();
    expect(body.data.binary_data_base64).toEqual([]);
  });

  it('a task goes in_queue, generating, then done as the clock moves', async () => {
    const id = h.sim.addTask({ durationMs: 10_000 });
    const statusAt = async (ms: number) => {
      h.now = T0 + ms;
      return (await json(await h.query(id))).data;
    };
    expect(await statusAt(0)).toMatchObject({ status: 'in_queue', video_url: '', resp_data: '' });
    expect((await statusAt(1_999)).status).toBe('in_queue');
    expect(await statusAt(2_000)).toMatchObject({ status: 'generating', video_url: '' });
    expect((await statusAt(9_999)).status).toBe('generating');
    const done = await statusAt(10_000);
    expect(done.status).toBe('done');
    expect(done.video_url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/[0-9a-f]{8}\/video\//,
    );
  });

  it('a done task has the fixture structure and a resp_data that parses to its own params', async () => {
    const id = h.sim.addTask({
      durationMs: 0,
      prompt: 'a "quoted" cat',
      aspectRatio: '1:1',
      seed: 7,
    });
    const body = await json(await h.query(id));
    expect(shape(body)).toEqual(shape(fixtureDone));
    const respData = JSON.parse(body.data.resp_data);
    expect(shape(respData)).toEqual(shape(JSON.parse(fixtureDone.data.resp_data)));
    expect(respData.infer_ctx.params).toMatchObject({
      ori_prompt: 'a "quoted" cat',
      aspect_ratio: '1:1',
      seed: 7,
      // The served sample's, whatever the ratio: what resp_data says must be what plays.
      width: 320,
      height: 180,
      fps: 24,
      frames: 36,
      req_key: 'vgfm_t2v_l20',
    });
  });

  it('unknown ids answer code 10000 with status not_found', async () => {
    const response = await h.query('12345678901234567890');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.code).toBe(10000);
    expect(body.data.status).toBe('not_found');
  });

  it('a task older than 12 hours is not_found, as the provider forgets it; the fixture is kept', async () => {
    const id = h.sim.addTask({ durationMs: 0 });
    h.now = T0 + 12 * 3_600_000 - 1;
    expect((await json(await h.query(id))).data.status).toBe('done');
    h.now += 1;
    const body = await json(await h.query(id));
    expect(body).toMatchObject({ code: 10000, data: { status: 'not_found', video_url: '' } });
    expect((await json(await h.query(FIXTURE_TASK_ID))).data.status).toBe('done');
  });

  it('a malformed percent escape in the id is an unknown task, not a server error', async () => {
    const response = await h.query('%E0%A4%A');
    expect(response.status).toBe(200);
    expect((await json(response)).data.status).toBe('not_found');
  });

  it('outcomes other than done are reached after the duration', async () => {
    const failed = h.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const expired = h.sim.addTask({ durationMs: 0, outcome: 'expired' });
    const odd = h.sim.addTask({ durationMs: 0, outcome: { status: 'reticulating' } });
    expect((await json(await h.query(failed))).data.status).toBe('failed');
    expect((await json(await h.query(expired))).data.status).toBe('expired');
    expect((await json(await h.query(odd))).data).toMatchObject({
      status: 'reticulating',
      video_url: '',
    });
  });

  it('a moderation outcome answers 50511, HTTP 400, data null, once due', async () => {
    const id = h.sim.addTask({ durationMs: 1000, outcome: 'moderation' });
    expect((await json(await h.query(id))).data.status).toBe('in_queue');
    h.now += 1000;
    const response = await h.query(id);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 50511, data: null });
  });

  it('each request gets a fresh request_id', async () => {
    const a = await json(await h.query(FIXTURE_TASK_ID));
    const b = await json(await h.query(FIXTURE_TASK_ID));
    expect(a.request_id).not.toBe(b.request_id);
  });
});
