import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSimulator,
  FIXTURE_TASK_ID,
  SIMULATOR_TOKEN,
  SimulatorReset,
} from '../src/simulator/index.ts';
import { sampleVideo } from '../src/simulator/sample-video.ts';
import { serveSimulator } from '../src/simulator/serve.ts';
import { createTask, rememberTask, type SimTask } from '../src/simulator/sim-task.ts';

// Copies of the shared API notes' fixtures: the bodies the simulator must imitate.
const readFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as {
    data: { resp_data: string };
  } & Record<string, unknown>;
const fixtureDone = readFixture('done.json');
const fixtureNotJson = readFixture('done-resp-data-not-json.json');

const T0 = Date.UTC(2025, 4, 1, 17, 19, 24);
const TWO_POW_63 = 2n ** 63n;
const auth = { authorization: `Bearer ${SIMULATOR_TOKEN}` };

let clock = T0;
const sim = createSimulator({ now: () => clock, durationMs: 10_000 });
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await serveSimulator(sim);
});
afterAll(() => server.close());
beforeEach(() => {
  clock = T0;
  sim.reset();
});

const query = (id: string, init: RequestInit = {}) =>
  fetch(`${server.url}/task/${id}`, { headers: auth, ...init });

const create = (kind: 'text2video' | 'image2video', body: unknown) =>
  fetch(`${server.url}/task/jimeng/${kind}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

// biome-ignore lint/suspicious/noExplicitAny: bodies are read loosely on purpose
const json = async (response: Response): Promise<any> => JSON.parse(await response.text());

/** The nested key structure of a JSON value, so shapes compare without values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, shape(inner)]),
  );
}

async function videoUrlOf(id: string): Promise<string> {
  const body = await json(await query(id));
  expect(body.data.status).toBe('done');
  return body.data.video_url;
}

describe('bearer token', () => {
  it('a query without a token gets the proxy 401 shape', async () => {
    const response = await fetch(`${server.url}/task/${FIXTURE_TASK_ID}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await json(response);
    expect(body.error.type).toBe('new_api_error');
    expect(body.error.message).toMatch(/^invalid token \(request id: \w+\)$/);
  });

  it('a wrong token is refused and never echoed', async () => {
    const response = await query(FIXTURE_TASK_ID, {
      headers: { authorization: 'Bearer sk-secret-value' },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('sk-secret-value');
  });

  it('submitting needs the token too', async () => {
    const response = await fetch(`${server.url}/task/jimeng/text2video`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(response.status).toBe(401);
  });
});

describe('task query', () => {
  it('the fixture task is done from the start, with the fixture body structure and resp_data', async () => {
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(shape(body)).toEqual(shape(fixtureDone));
    expect(body.data.resp_data).toBe(fixtureDone.data.resp_data);
    expect(body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(body.data.image_urls).toBeNull();
    expect(body.data.binary_data_base64).toEqual([]);
  });

  it('a task goes in_queue, generating, then done as the clock moves', async () => {
    const id = sim.addTask({ durationMs: 10_000 });
    const statusAt = async (ms: number) => {
      clock = T0 + ms;
      return (await json(await query(id))).data;
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
    const id = sim.addTask({
      durationMs: 0,
      prompt: 'a "quoted" cat',
      aspectRatio: '1:1',
      seed: 7,
    });
    const body = await json(await query(id));
    expect(shape(body)).toEqual(shape(fixtureDone));
    const respData = JSON.parse(body.data.resp_data);
    expect(shape(respData)).toEqual(shape(JSON.parse(fixtureDone.data.resp_data)));
    expect(respData.infer_ctx.params).toMatchObject({
      ori_prompt: 'a "quoted" cat',
      aspect_ratio: '1:1',
      seed: 7,
      width: 960,
      height: 960,
      fps: 24,
      frames: 121,
      req_key: 'vgfm_t2v_l20',
    });
  });

  it('unknown ids answer code 10000 with status not_found', async () => {
    const response = await query('12345678901234567890');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.code).toBe(10000);
    expect(body.data.status).toBe('not_found');
  });

  it('a task older than 12 hours is not_found, as the provider forgets it; the fixture is kept', async () => {
    const id = sim.addTask({ durationMs: 0 });
    clock = T0 + 12 * 3_600_000 - 1;
    expect((await json(await query(id))).data.status).toBe('done');
    clock += 1;
    const body = await json(await query(id));
    expect(body).toMatchObject({ code: 10000, data: { status: 'not_found', video_url: '' } });
    expect((await json(await query(FIXTURE_TASK_ID))).data.status).toBe('done');
  });

  it('a malformed percent escape in the id is an unknown task, not a server error', async () => {
    const response = await query('%E0%A4%A');
    expect(response.status).toBe(200);
    expect((await json(response)).data.status).toBe('not_found');
  });

  it('outcomes other than done are reached after the duration', async () => {
    const failed = sim.addTask({ durationMs: 0, outcome: 'failed' });
    const expired = sim.addTask({ durationMs: 0, outcome: 'expired' });
    const odd = sim.addTask({ durationMs: 0, outcome: { status: 'reticulating' } });
    expect((await json(await query(failed))).data.status).toBe('failed');
    expect((await json(await query(expired))).data.status).toBe('expired');
    expect((await json(await query(odd))).data).toMatchObject({
      status: 'reticulating',
      video_url: '',
    });
  });

  it('a moderation outcome answers 50511, HTTP 400, data null, once due', async () => {
    const id = sim.addTask({ durationMs: 1000, outcome: 'moderation' });
    expect((await json(await query(id))).data.status).toBe('in_queue');
    clock += 1000;
    const response = await query(id);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 50511, data: null });
  });

  it('each request gets a fresh request_id', async () => {
    const a = await json(await query(FIXTURE_TASK_ID));
    const b = await json(await query(FIXTURE_TASK_ID));
    expect(a.request_id).not.toBe(b.request_id);
  });
});

describe('create endpoints', () => {
  it('text2video answers a string task id above 2^63 that survives as text', async () => {
    const response = await create('text2video', { prompt: 'a cat', aspect_ratio: '9:16', seed: 3 });
    const text = await response.text();
    expect(response.status).toBe(200);
    const [, raw] = /"task_id":"(\d+)"/.exec(text) ?? [];
    expect(raw).toMatch(/^\d{20}$/);
    expect(BigInt(raw ?? '0') > TWO_POW_63).toBe(true);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ code: 10000, message: 'Success', status: 10000 });
    expect(body.data.task_id).toBe(raw);
    expect((await json(await query(body.data.task_id))).data.status).toBe('in_queue');
  });

  it("ids are all different, 20 digits, between 2^63 and 2^64 like the provider's", async () => {
    const ids = new Set(Array.from({ length: 50 }, () => sim.addTask()));
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
      await create('image2video', {
        prompt: 'move',
        aspect_ratio: '9:21',
        image_urls: ['https://x/a.png'],
      }),
    );
    clock += 10_000;
    const task = await json(await query(body.data.task_id));
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
    const response = await create(kind, body);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 50215, data: null });
  });

  it('a body over 32 MiB is refused with the proxy 413 page, and the server carries on', async () => {
    const response = await fetch(`${server.url}/task/jimeng/image2video`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a', binary_data_base64: ['A'.repeat(32 * 1024 * 1024)] }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('413 Request Entity Too Large');
    expect((await create('text2video', { prompt: 'a cat' })).status).toBe(200);
  });

  it('a body declared over 32 MiB is refused before it is read', async () => {
    const body = new ReadableStream({ pull: () => new Promise(() => {}) });
    const request = new Request(`${server.url}/task/jimeng/text2video`, {
      method: 'POST',
      headers: { ...auth, 'content-length': String(32 * 1024 * 1024 + 1) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect((await sim.fetch(request)).status).toBe(413);
  });

  it('a prompt of exactly 150 characters is accepted', async () => {
    expect((await create('text2video', { prompt: 'x'.repeat(150) })).status).toBe(200);
  });

  it('[moderation] in the prompt answers 50412 and creates nothing', async () => {
    const response = await create('text2video', { prompt: 'a cat [moderation]' });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body).toMatchObject({ code: 50412, data: null });
    expect(body.message).toMatch(/moderation/);
    expect(sim.requests.at(-1)?.taskId).toBeUndefined();
  });

  it('[fail] in the prompt makes a task that ends failed', async () => {
    const body = await json(await create('text2video', { prompt: 'a cat [fail]' }));
    clock += 10_000;
    expect((await json(await query(body.data.task_id))).data.status).toBe('failed');
  });

  it('every API request is recorded with its task id', async () => {
    const body = await json(await create('text2video', { prompt: 'a cat' }));
    await query(FIXTURE_TASK_ID);
    expect(sim.requests).toEqual([
      { method: 'POST', path: '/task/jimeng/text2video', at: T0, taskId: body.data.task_id },
      { method: 'GET', path: `/task/${FIXTURE_TASK_ID}`, at: T0, taskId: FIXTURE_TASK_ID },
    ]);
  });
});

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

describe('faults', () => {
  it('status: a JSON error body with a default code and Retry-After', async () => {
    sim.fault({ kind: 'status', status: 429, retryAfter: '2' });
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    const body = await json(response);
    expect(body).toMatchObject({ code: 50429, status: 50429, data: null });
    expect(body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('status 500 defaults to 50500; times counts down', async () => {
    sim.fault({ kind: 'status', status: 500, times: 2 });
    expect((await json(await query(FIXTURE_TASK_ID))).code).toBe(50500);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(500);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('times 0 applies to no request', async () => {
    sim.fault({ kind: 'status', status: 500, times: 0 });
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('faults are taken first in, first out among those for the route', async () => {
    sim.fault({ kind: 'status', status: 503, route: 'create' });
    sim.fault({ kind: 'status', status: 502, route: 'task' });
    sim.fault({ kind: 'status', status: 500 });
    expect((await query(FIXTURE_TASK_ID)).status).toBe(502);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(500);
    expect((await create('text2video', { prompt: 'a' })).status).toBe(503);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it("the provider's answers (status, code, resp-data-not-json) skip what the proxy refuses itself", async () => {
    sim.fault({ kind: 'code', code: 50412, route: 'create' });
    sim.fault({ kind: 'status', status: 429, route: 'task' });
    sim.fault({ kind: 'status', status: 503 });
    const unauthorized = await fetch(`${server.url}/task/jimeng/text2video`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(unauthorized.status).toBe(401);
    expect((await json(unauthorized)).error.type).toBe('new_api_error');
    expect((await fetch(`${server.url}/task/${FIXTURE_TASK_ID}`)).status).toBe(401);
    expect((await fetch(`${server.url}/favicon.ico`, { headers: auth })).status).toBe(404);
    expect((await create('text2video', { prompt: 'a cat' })).status).toBe(400);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(429);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(503);
  });

  it('proxy-error: the proxy shape', async () => {
    sim.fault({ kind: 'proxy-error', status: 503, message: 'saturated' });
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: 'new_api_error' });
    expect(body.error.message).toMatch(/^saturated/);
  });

  it('html: an nginx error page', async () => {
    sim.fault({ kind: 'html', status: 502 });
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
  });

  it('reset: the connection is dropped, and fetch itself throws SimulatorReset', async () => {
    sim.fault({ kind: 'reset', times: 2 });
    await expect(query(FIXTURE_TASK_ID)).rejects.toThrow(TypeError);
    await expect(sim.fetch(new Request(`${server.url}/task/1`))).rejects.toBeInstanceOf(
      SimulatorReset,
    );
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('truncated-json: HTTP 200 with half a body', async () => {
    sim.fault({ kind: 'truncated-json' });
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{"code":10000')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('resp-data-not-json: a done body whose resp_data does not parse', async () => {
    sim.fault({ kind: 'resp-data-not-json' });
    const id = sim.addTask({ durationMs: 60_000 });
    const body = await json(await query(id));
    expect(body.code).toBe(10000);
    expect(body.data.status).toBe('done');
    expect(body.data.video_url).toContain(`/jimeng-${id}/`);
    expect(body.data.resp_data).toBe(fixtureNotJson.data.resp_data);
    expect(() => JSON.parse(body.data.resp_data)).toThrow();
  });

  it('code: a business error on create, HTTP status by code', async () => {
    sim.fault({ kind: 'code', code: 50412, route: 'create' });
    const response = await create('text2video', { prompt: 'a cat' });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 50412, data: null });
  });

  // The documented table: every moderation code is HTTP 400, only 50500/50501 are 500.
  it.each([
    [50411, 400],
    [50511, 400],
    [50512, 400],
    [50516, 400],
    [50517, 400],
    [50518, 400],
    [50519, 400],
    [50520, 400],
    [50521, 400],
    [50522, 400],
    [50429, 429],
    [50430, 429],
    [50500, 500],
    [50501, 500],
  ])('code %i comes with its documented HTTP %i', async (code, status) => {
    sim.fault({ kind: 'code', code });
    const response = await query(FIXTURE_TASK_ID);
    expect(response.status).toBe(status);
    expect(await json(response)).toMatchObject({ code, status: code, data: null });
  });

  it('delay: the normal answer, late', async () => {
    sim.fault({ kind: 'delay', ms: 30 });
    const started = performance.now();
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('hang: no answer until the client aborts, then the server carries on', async () => {
    sim.fault({ kind: 'hang' });
    const aborter = new AbortController();
    const pending = query(FIXTURE_TASK_ID, { signal: aborter.signal });
    setTimeout(() => aborter.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('hang in pure fetch form settles when the request signal aborts', async () => {
    sim.fault({ kind: 'hang' });
    const aborter = new AbortController();
    const request = new Request(`${server.url}/task/1`, { signal: aborter.signal });
    const pending = sim.fetch(request);
    aborter.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
  });
});

describe('video', () => {
  const video = sampleVideo();

  it('the committed sample is a small real mp4', () => {
    expect(video.byteLength).toBeGreaterThan(1000);
    expect(video.byteLength).toBeLessThan(100_000);
    expect(new TextDecoder().decode(video.slice(4, 8))).toBe('ftyp');
  });

  it('the link carries its expiry in hex and the query time in dy_q', async () => {
    const url = new URL(await videoUrlOf(FIXTURE_TASK_ID));
    // The provider's layout: /<signature>/<expiry>/video/tos/…/ with no file extension.
    const [, , expiresHex] = url.pathname.split('/');
    expect(url.pathname).toMatch(/^\/[0-9a-f]{32}\/[0-9a-f]{8}\/video\/tos\/[\w/-]+\/$/);
    expect(Number.parseInt(expiresHex ?? '', 16)).toBe((T0 + 3_600_000) / 1000);
    expect(url.searchParams.get('dy_q')).toBe(String(T0 / 1000));
    expect(url.searchParams.get('mime_type')).toBe('video_mp4');
  });

  it('serves the whole video without a token', async () => {
    const response = await fetch(await videoUrlOf(FIXTURE_TASK_ID));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(video.byteLength));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', taskId: FIXTURE_TASK_ID });
    expect(sim.requests.at(-1)?.path).toContain('/video/tos/');
  });

  it('honours a single byte range with 206', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    const response = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 10-19/${video.byteLength}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video.slice(10, 20));
    const tail = await fetch(url, { headers: { range: 'bytes=-5' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(video.slice(-5));
  });

  it('answers 416 to a range past the end', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    const response = await fetch(url, { headers: { range: `bytes=${video.byteLength}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${video.byteLength}`);
  });

  it('refuses the link with 403 AccessDenied once it has expired', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    clock += 3_599_000;
    const early = await fetch(url);
    expect(early.status).toBe(200);
    expect(new Uint8Array(await early.arrayBuffer())).toEqual(video);
    clock += 1_000;
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const text = await response.text();
    expect(text).toContain('AccessDenied');
    expect(text).toContain('Request has expired');
  });

  it('refuses with 403 a link whose signature has one character changed', async () => {
    const url = new URL(await videoUrlOf(FIXTURE_TASK_ID));
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
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    const later = ((T0 + 7_200_000) / 1000).toString(16);
    const response = await fetch(url.replace(/\/[0-9a-f]{8}\//, `/${later}/`));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });

  it('signs the same task and expiry the same way, and only opens its own links', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    expect(await videoUrlOf(FIXTURE_TASK_ID)).toBe(url);
    const other = await serveSimulator(createSimulator({ now: () => clock }));
    try {
      const path = new URL(url).pathname + new URL(url).search;
      expect((await fetch(`${other.url}${path}`)).status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('truncated-json on a video request cuts the bytes, not a text decoding of them', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    sim.fault({ kind: 'truncated-json', route: 'video' });
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const half = Math.floor(video.byteLength / 2);
    expect(response.headers.get('content-length')).toBe(String(half));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(video.slice(0, half));
  });

  it('cut-off sends the whole Content-Length, half the bytes, then drops the connection', async () => {
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    sim.fault({ kind: 'cut-off', route: 'video' });
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
    const url = await videoUrlOf(FIXTURE_TASK_ID);
    sim.fault({ kind: 'html', status: 504, route: 'video' });
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
    expect((await fetch(url)).status).toBe(504);
  });
});

describe('control API over HTTP', () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${server.url}/__sim/${path}`, {
      method: body === undefined && path === 'requests' ? 'GET' : 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('seeds tasks, queues faults, lists requests and resets, without a token', async () => {
    const seeded = await json(await control('tasks', { durationMs: 0, outcome: 'expired' }));
    expect(BigInt(seeded.id) > TWO_POW_63).toBe(true);
    expect((await json(await query(seeded.id))).data.status).toBe('expired');

    expect((await control('faults', { kind: 'status', status: 500, route: 'task' })).status).toBe(
      204,
    );
    expect((await query(seeded.id)).status).toBe(500);

    const requests = await json(await control('requests'));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: 'GET', taskId: seeded.id });

    expect((await control('reset', {})).status).toBe(204);
    expect(sim.requests).toEqual([]);
    expect((await json(await query(seeded.id))).data.status).toBe('not_found');
    expect((await json(await query(FIXTURE_TASK_ID))).data.status).toBe('done');
  });

  it('rejects a fault of unknown kind', async () => {
    expect((await control('faults', { kind: 'meteor' })).status).toBe(400);
  });

  it.each([
    { kind: 'status', status: 500, route: 'query' },
    { kind: 'hang', times: '2' },
  ])('rejects a fault that would never fire as meant: %j', async (fault) => {
    expect((await control('faults', fault)).status).toBe(400);
    expect((await query(FIXTURE_TASK_ID)).status).toBe(200);
  });
});

describe('serveSimulator', () => {
  it('close() returns even with a request hanging', async () => {
    const own = createSimulator();
    const served = await serveSimulator(own);
    own.fault({ kind: 'hang' });
    const pending = fetch(`${served.url}/task/1`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await served.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});
