import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSimulator, FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { SAMPLE_VIDEO_PARAMS, sampleVideo } from '../../src/simulator/sample-video.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { parseRespData } from '../../src/task.ts';
import { json, T0, useServedSimulator } from './harness.ts';

// The video host: the sample mp4 behind signed, expiring links, with ranges.
const h = useServedSimulator();

describe('video', () => {
  const video = sampleVideo();

  it('the committed sample is a small real mp4', () => {
    expect(video.byteLength).toBeGreaterThan(1000);
    expect(video.byteLength).toBeLessThan(100_000);
    expect(new TextDecoder().decode(video.slice(4, 8))).toBe('ftyp');
    // The module carries the bytes of assets/sample.mp4, not of an older render.
    expect(video).toEqual(
      new Uint8Array(readFileSync(new URL('../../assets/sample.mp4', import.meta.url))),
    );
  });

  it('resp_data says what the served mp4 is, as its own header reads: size, frame rate, length', async () => {
    const header = mp4Header(video);
    expect(header).toEqual({ width: 320, height: 180, seconds: 1.5, frames: 36 });
    expect(SAMPLE_VIDEO_PARAMS).toEqual({
      width: header.width,
      height: header.height,
      fps: header.frames / header.seconds,
      frames: header.frames,
    });
    for (const id of [FIXTURE_TASK_ID, h.sim.addTask({ durationMs: 0, aspectRatio: '9:16' })]) {
      const said = parseRespData((await json(await h.query(id))).data.resp_data);
      expect(said).toMatchObject({
        width: 320,
        height: 180,
        fps: 24,
        frames: 36,
        durationSeconds: 1.5,
      });
    }
  });

  it('the link carries its expiry in hex and the query time in dy_q', async () => {
    const url = new URL(await h.videoUrlOf(FIXTURE_TASK_ID));
    // The provider's layout: /<signature>/<expiry>/video/tos/…/ with no file extension.
    const [, , expiresHex] = url.pathname.split('/');
    expect(url.pathname).toMatch(/^\/[0-9a-f]{32}\/[0-9a-f]{8}\/video\/tos\/[\w/-]+\/$/);
    expect(Number.parseInt(expiresHex ?? '', 16)).toBe((T0 + 3_600_000) / 1000);
    expect(url.searchParams.get('dy_q')).toBe(String(T0 / 1000));
    expect(url.searchParams.get('mime_type')).toBe('video_mp4');
  });

  it('serves the whole video without a token', async () => {
    const response = await fetch(await h.videoUrlOf(FIXTURE_TASK_ID));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(video.byteLength));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video);
    expect(h.sim.requests.at(-1)).toMatchObject({ method: 'GET', taskId: FIXTURE_TASK_ID });
    expect(h.sim.requests.at(-1)?.path).toContain('/video/tos/');
  });

  it('honours a single byte range with 206', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    const response = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 10-19/${video.byteLength}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video.slice(10, 20));
    const tail = await fetch(url, { headers: { range: 'bytes=-5' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(video.slice(-5));
  });

  it('answers 416 to a range past the end', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    const response = await fetch(url, { headers: { range: `bytes=${video.byteLength}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${video.byteLength}`);
  });

  it('refuses the link with 403 AccessDenied once it has expired', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    h.now += 3_599_000;
    const early = await fetch(url);
    expect(early.status).toBe(200);
    expect(new Uint8Array(await early.arrayBuffer())).toEqual(video);
    h.now += 1_000;
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const text = await response.text();
    expect(text).toContain('AccessDenied');
    expect(text).toContain('Request has expired');
  });

  it('refuses with 403 a link whose signature has one character changed', async () => {
    const url = new URL(await h.videoUrlOf(FIXTURE_TASK_ID));
    const [, signature = ''] = url.pathname.split('/');
    const changed = `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`;
    const tampered = url.href.replace(`/${signature}/`, `/${changed}/`);
    const response = await fetch(tampered);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(await response.text()).toContain('SignatureDoesNotMatch');
    expect((await fetch(url)).status).toBe(200);
  });

  it('refuses with 403 a link whose expiry was pushed later by hand', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    const later = ((T0 + 7_200_000) / 1000).toString(16);
    const response = await fetch(url.replace(/\/[0-9a-f]{8}\//, `/${later}/`));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });

  it('signs the same task and expiry the same way, and only opens its own links', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    expect(await h.videoUrlOf(FIXTURE_TASK_ID)).toBe(url);
    const other = await serveSimulator(createSimulator({ now: () => h.now }));
    try {
      const path = new URL(url).pathname + new URL(url).search;
      expect((await fetch(`${other.url}${path}`)).status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('truncated-json on a video request cuts the bytes, not a text decoding of them', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    h.sim.fault({ kind: 'truncated-json', route: 'video' });
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const half = Math.floor(video.byteLength / 2);
    expect(response.headers.get('content-length')).toBe(String(half));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video.slice(0, half));
  });

  it('cut-off sends the whole Content-Length, half the bytes, then drops the connection', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    h.sim.fault({ kind: 'cut-off', route: 'video' });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(video.byteLength));
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = 0;
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += value.byteLength;
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(received).toBe(Math.floor(video.byteLength / 2));
    // The next download is whole again.
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(video);
  });

  it('video faults apply to video requests', async () => {
    const url = await h.videoUrlOf(FIXTURE_TASK_ID);
    h.sim.fault({ kind: 'html', status: 504, route: 'video' });
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
    expect((await fetch(url)).status).toBe(504);
  });
});

/** The video track's size (tkhd), length (mdhd) and frame count (stsz), read off its boxes. */
function mp4Header(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const child = (start: number, end: number, type: string): number => {
    for (let at = start; at + 8 <= end; at += view.getUint32(at)) {
      if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === type) return at;
      if (view.getUint32(at) < 8) break;
    }
    throw new Error(`no ${type} box`);
  };
  const within = (box: number, type: string) => child(box + 8, box + view.getUint32(box), type);
  const trak = within(child(0, bytes.byteLength, 'moov'), 'trak');
  const tkhd = within(trak, 'tkhd') + 8;
  const mdia = within(trak, 'mdia');
  const mdhd = within(mdia, 'mdhd') + 8;
  const stsz = within(within(within(mdia, 'minf'), 'stbl'), 'stsz') + 8;
  // Version 0 headers (32-bit times), the offsets below are theirs.
  expect([bytes[tkhd], bytes[mdhd]]).toEqual([0, 0]);
  return {
    // After version, times, track id, duration, layer, volume and the 36-byte matrix: 16.16.
    width: view.getUint32(tkhd + 76) / 65_536,
    height: view.getUint32(tkhd + 80) / 65_536,
    // duration / timescale
    seconds: view.getUint32(mdhd + 16) / view.getUint32(mdhd + 12),
    frames: view.getUint32(stsz + 8),
  };
}
