import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseRespData, toTask } from '../../src/task.ts';
import { normaliseStatus } from '../../src/task-status.ts';
import { UpstreamTaskDataSchema } from '../../src/upstream-schema.ts';
import { DEFAULT_URL_LIFETIME_MS, videoUrlExpiresAt } from '../../src/video-url.ts';
import done from '../fixtures/done.json' with { type: 'json' };
import doneNotJson from '../fixtures/done-resp-data-not-json.json' with { type: 'json' };

const ID = '14117763723766220057';
const queriedAt = Date.UTC(2025, 4, 1, 17, 19, 24);

function taskFrom(body: typeof done) {
  return toTask(ID, v.parse(UpstreamTaskDataSchema, body.data), body.request_id, body, queriedAt);
}

describe('reading a task', () => {
  it('reads the documented example into a plain task', () => {
    const task = taskFrom(done);
    expect(task).toMatchObject({
      id: ID,
      status: 'done',
      upstreamStatus: 'done',
      imageUrls: [],
      imagesBase64: [],
      requestId: '20250502011924C67A8E37411A922F5942',
      params: {
        aspectRatio: '9:16',
        width: 1280,
        height: 720,
        fps: 24,
        frames: 121,
        durationSeconds: 5.04,
        seed: 1460981510,
        modelKey: 'vgfm_t2v_l20',
      },
    });
    expect(task.params?.prompt).toMatch(/^A golden retriever/);
    expect(task.params?.prompt).toContain('"May Day Self-Guided Tour"');
    expect(task.params?.negativePrompt).toMatch(/^Worst quality/);
    expect(task.videoUrl).toBe(done.data.video_url);
    expect(JSON.parse(JSON.stringify(task))).toEqual(task);
  });

  it('keeps the task when resp_data does not parse, as on the provider page', () => {
    const task = taskFrom(doneNotJson);
    expect(task.status).toBe('done');
    expect(task.videoUrl).toBe(doneNotJson.data.video_url);
    expect(task.params).toBeNull();
    expect((task.raw as typeof doneNotJson).data.resp_data).toBe(doneNotJson.data.resp_data);
  });

  it('reads image lists as given, and anything else as an empty list without losing the task', () => {
    const withImages = { ...done, data: { ...done.data, image_urls: ['https://a/1.png'] } };
    expect(taskFrom(withImages as unknown as typeof done).imageUrls).toEqual(['https://a/1.png']);
    for (const odd of [null, 'https://a/1.png', [1, 2], { url: 'x' }]) {
      const body = { ...done, data: { ...done.data, image_urls: odd, binary_data_base64: odd } };
      const task = taskFrom(body as unknown as typeof done);
      expect(task).toMatchObject({ status: 'done', imageUrls: [], imagesBase64: [] });
    }
    // Two tasks never share one list: changing one leaves the other alone.
    const [a, b] = [taskFrom(done), taskFrom(done)];
    a.imageUrls.push('x');
    expect(b.imageUrls).toEqual([]);
  });

  it('reads the expiry the CDN put in the path (6813bb31 = 2025-05-01 18:19:29 UTC)', () => {
    expect(taskFrom(done).videoUrlExpiresAt).toBe('2025-05-01T18:19:29.000Z');
  });

  it('falls back to the query time plus a margin under an hour', () => {
    const at = videoUrlExpiresAt('https://cdn.example/v/abc.mp4', queriedAt);
    expect(at - queriedAt).toBe(DEFAULT_URL_LIFETIME_MS);
    expect(DEFAULT_URL_LIFETIME_MS).toBeLessThan(60 * 60 * 1000);
    expect(videoUrlExpiresAt('not a url', queriedAt)).toBe(queriedAt + DEFAULT_URL_LIFETIME_MS);
    expect(videoUrlExpiresAt('https://cdn.example/v.mp4?x-expires=1746123569', queriedAt)).toBe(
      1746123569000,
    );
  });

  it('reads the expiry from the path and the query only, never from the host or the fragment', () => {
    const fallback = queriedAt + DEFAULT_URL_LIFETIME_MS;
    expect(videoUrlExpiresAt('https://6813bb31.cdn.example/v.mp4', queriedAt)).toBe(fallback);
    expect(videoUrlExpiresAt('https://cdn.example/v.mp4#/6813bb31/', queriedAt)).toBe(fallback);
    expect(videoUrlExpiresAt('https://cdn.example/a/6813BB31/v.mp4', queriedAt)).toBe(
      1746123569000,
    );
    expect(videoUrlExpiresAt('https://cdn.example/v.mp4?a=1&expires=1746123569', queriedAt)).toBe(
      1746123569000,
    );
    expect(videoUrlExpiresAt('https://cdn example/6813bb31/v.mp4', queriedAt)).toBe(fallback);
    expect(videoUrlExpiresAt('ftp://cdn.example/6813bb31/v.mp4', queriedAt)).toBe(fallback);
  });

  it('maps the documented statuses and never crashes on others', () => {
    expect(normaliseStatus('in_queue')).toBe('queued');
    expect(normaliseStatus('processing')).toBe('processing');
    expect(normaliseStatus('generating')).toBe('processing');
    expect(normaliseStatus('done')).toBe('done');
    expect(normaliseStatus('failed')).toBe('failed');
    expect(normaliseStatus('not_found')).toBe('not_found');
    expect(normaliseStatus('expired')).toBe('expired');
    expect(normaliseStatus('rendering_v2')).toBe('unknown');
    expect(normaliseStatus('__proto__')).toBe('unknown');
    expect(normaliseStatus(null)).toBe('unknown');
  });

  it('gives null params for a resp_data of the wrong shape', () => {
    expect(parseRespData('[]')).toBeNull();
    expect(parseRespData('{"infer_ctx": 3}')).toBeNull();
    expect(parseRespData('')).toBeNull();
  });

  it('one field of an unexpected type is null, and the others are kept', () => {
    const params = parseRespData(
      '{"infer_ctx":{"params":{"ori_prompt":"a fox","fps":"24","frames":121,"seed":7,"aspect_ratio":9}}}',
    );
    expect(params).toMatchObject({ prompt: 'a fox', fps: null, frames: 121, seed: 7 });
    expect(params?.aspectRatio).toBeNull();
  });
});
