import { describe, expect, it } from 'vitest';
import { FIXTURE_TASK_ID, SimulatorReset } from '../../src/simulator/index.ts';
import { auth, json, readFixture, useServedSimulator } from './harness.ts';

// Scripted faults: each kind, as a client sees it over the wire.
const h = useServedSimulator();
const fixtureNotJson = readFixture('done-resp-data-not-json.json');

describe('faults', () => {
  it('status: a JSON error body with a default code and Retry-After', async () => {
    h.sim.fault({ kind: 'status', status: 429, retryAfter: '2' });
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    const body = await json(response);
    expect(body).toMatchObject({ code: 50429, status: 50429, data: null });
    expect(body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('status 500 defaults to 50500; times counts down', async () => {
    h.sim.fault({ kind: 'status', status: 500, times: 2 });
    expect((await json(await h.query(FIXTURE_TASK_ID))).code).toBe(50500);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(500);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('times 0 applies to no request', async () => {
    h.sim.fault({ kind: 'status', status: 500, times: 0 });
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('faults are taken first in, first out among those for the route', async () => {
    h.sim.fault({ kind: 'status', status: 503, route: 'create' });
    h.sim.fault({ kind: 'status', status: 502, route: 'task' });
    h.sim.fault({ kind: 'status', status: 500 });
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(502);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(500);
    expect((await h.create('text2video', { prompt: 'a' })).status).toBe(503);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it("the provider's answers (status, code, resp-data-not-json) skip what the proxy refuses itself", async () => {
    h.sim.fault({ kind: 'code', code: 50412, route: 'create' });
    h.sim.fault({ kind: 'status', status: 429, route: 'task' });
    h.sim.fault({ kind: 'status', status: 503 });
    const unauthorized = await fetch(`${h.url}/task/jimeng/text2video`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(unauthorized.status).toBe(401);
    expect((await json(unauthorized)).error.type).toBe('new_api_error');
    expect((await fetch(`${h.url}/task/${FIXTURE_TASK_ID}`)).status).toBe(401);
    expect((await fetch(`${h.url}/favicon.ico`, { headers: auth })).status).toBe(404);
    expect((await h.create('text2video', { prompt: 'a cat' })).status).toBe(400);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(429);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(503);
  });

  it('proxy-error: the proxy shape', async () => {
    h.sim.fault({ kind: 'proxy-error', status: 503, message: 'saturated' });
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: 'new_api_error' });
    expect(body.error.message).toMatch(/^saturated/);
  });

  it('html: an nginx error page', async () => {
    h.sim.fault({ kind: 'html', status: 502 });
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
  });

  it('reset: the connection is dropped, and fetch itself throws SimulatorReset', async () => {
    h.sim.fault({ kind: 'reset', times: 2 });
    await expect(h.query(FIXTURE_TASK_ID)).rejects.toThrow(TypeError);
    await expect(h.sim.fetch(new Request(`${h.url}/task/1`))).rejects.toBeInstanceOf(
      SimulatorReset,
    );
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('truncated-json: HTTP 200 with half a body', async () => {
    h.sim.fault({ kind: 'truncated-json' });
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{"code":10000')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('resp-data-not-json: a done body whose resp_data does not parse', async () => {
    h.sim.fault({ kind: 'resp-data-not-json' });
    const id = h.sim.addTask({ durationMs: 60_000 });
    const body = await json(await h.query(id));
    expect(body.code).toBe(10000);
    expect(body.data.status).toBe('done');
    expect(body.data.video_url).toContain(`/jimeng-${id}/`);
    expect(body.data.resp_data).toBe(fixtureNotJson.data.resp_data);
    expect(() => JSON.parse(body.data.resp_data)).toThrow();
  });

  it('code: a business error on create, HTTP status by code', async () => {
    h.sim.fault({ kind: 'code', code: 50412, route: 'create' });
    const response = await h.create('text2video', { prompt: 'a cat' });
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
    h.sim.fault({ kind: 'code', code });
    const response = await h.query(FIXTURE_TASK_ID);
    expect(response.status).toBe(status);
    expect(await json(response)).toMatchObject({ code, status: code, data: null });
  });

  it('delay: the normal answer, late', async () => {
    h.sim.fault({ kind: 'delay', ms: 30 });
    const started = performance.now();
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('hang: no answer until the client aborts, then the server carries on', async () => {
    h.sim.fault({ kind: 'hang' });
    const aborter = new AbortController();
    const pending = h.query(FIXTURE_TASK_ID, { signal: aborter.signal });
    setTimeout(() => aborter.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });

  it('hang in pure fetch form settles when the request signal aborts', async () => {
    h.sim.fault({ kind: 'hang' });
    const aborter = new AbortController();
    const request = new Request(`${h.url}/task/1`, { signal: aborter.signal });
    const pending = h.sim.fetch(request);
    aborter.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
  });
});
