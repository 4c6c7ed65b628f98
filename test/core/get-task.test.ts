import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { FIXTURE_TASK_ID, SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import {
  closedPort,
  type Harness,
  laggingClock,
  rejectionOf,
  serveOnLoopback,
  startHarness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

describe('getTask', () => {
  it('returns the finished fixture task with its exact id, video and parameters', async () => {
    const task = await h.client.getTask(FIXTURE_TASK_ID);
    expect(task.id).toBe(FIXTURE_TASK_ID);
    expect(task.status).toBe('done');
    expect(task.videoUrl).toMatch(/^https?:\/\//);
    expect(Date.parse(task.videoUrlExpiresAt ?? '')).toBeGreaterThan(0);
    expect(task.params?.fps).toBe(24);
    expect(task.requestId).toMatch(/^\w+$/);
  });

  it('follows a task through in_queue and generating to done', async () => {
    const id = h.sim.addTask({ durationMs: 60_000, prompt: 'a cat' });
    const first = await h.client.getTask(id);
    expect(first).toMatchObject({ status: 'queued', upstreamStatus: 'in_queue', videoUrl: null });
  });

  it('returns not_found for an unknown id instead of throwing', async () => {
    const task = await h.client.getTask('99999999999999999999');
    expect(task.status).toBe('not_found');
  });

  it('refuses an invalid id before any request', async () => {
    const error = await rejectionOf(h.client.getTask('../admin'));
    expect(error.code).toBe('invalid_task_id');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('sends ids URL-encoded', async () => {
    await h.client.getTask('abc:def@x');
    expect(h.sim.requests[0]?.path).toBe('/task/abc%3Adef%40x');
  });

  it('a baseURL with a path and a trailing slash is joined to the task path once', async () => {
    const paths: string[] = [];
    const proxy = await serveOnLoopback((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(404).end();
    });
    try {
      const client = createClient({ token: 't', baseURL: `${proxy.url}/v1//`, retries: 0 });
      await rejectionOf(client.getTask('123'));
      expect(paths).toEqual(['/v1/task/123']);
    } finally {
      await proxy.close();
    }
  });

  it('keeps the task when resp_data does not parse', async () => {
    h.sim.fault({ kind: 'resp-data-not-json' });
    const task = await h.client.getTask(FIXTURE_TASK_ID);
    expect(task.status).toBe('done');
    expect(task.params).toBeNull();
    expect(task.videoUrl).toBeTruthy();
  });
});

describe('errors', () => {
  it('a refused token is unauthorized and never shows the token', async () => {
    const secret = 'sk-live-SUPERSECRET-0123456789';
    const client = createClient({ token: secret, baseURL: h.server.url, clock: h.clock });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('unauthorized');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toMatch(/JIMENG_TOKEN/);
    for (const text of [error.message, JSON.stringify(error), String(error), error.stack ?? '']) {
      expect(text).not.toContain(secret);
    }
  });

  it('a token read with its trailing newline is still never shown', async () => {
    // As fs.readFileSync('token.txt', 'utf8') or a CRLF .env file gives it; fetch trims it.
    const client = createClient({
      token: `${SIMULATOR_TOKEN}\r\n`,
      baseURL: h.server.url,
      clock: h.clock,
    });
    await expect(client.getTask(FIXTURE_TASK_ID)).resolves.toMatchObject({ status: 'done' });
    h.sim.fault({ kind: 'proxy-error', status: 401, message: `bad key ${SIMULATOR_TOKEN}` });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('bad key [redacted]');
    expect(JSON.stringify(error)).not.toContain(SIMULATOR_TOKEN);
  });

  it("the proxy's request id, given only inside its message, is kept as requestId", async () => {
    const client = createClient({ token: 'sk-wrong', baseURL: h.server.url, clock: h.clock });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('unauthorized');
    expect(error.requestId).toMatch(/^\d{14}[0-9a-f]{8}$/);
    // Said once, at the end, as for the provider's own errors.
    expect(error.message.split(error.requestId ?? '-')).toHaveLength(2);
    expect(error.message).toMatch(/It said: invalid token\. \(request id \w+\)$/);
  });

  const secret = 'sk-live-SUPERSECRET-0123456789';
  /** A client whose every request fails in `fetch` as the given one does. */
  const clientWithFailingFetch = (fetch: typeof globalThis.fetch) =>
    createClient({ token: secret, baseURL: h.server.url, retries: 0, clock: h.clock, fetch });

  it('a fetch that rejects without a reason leaves no path to the token in the cause', async () => {
    const client = clientWithFailingFetch(() => Promise.reject(undefined));
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('upstream_error');
    // ofetch's own error, made when fetch gave no reason, holds the request options.
    expect(reaches(error, secret)).toBe(false);
  });

  it('a fetch failure that quotes the token does not carry it on as the cause', async () => {
    // A fetch wrapper (or fetch itself, refusing a header it cannot send) naming the header.
    const client = clientWithFailingFetch((_input, init) =>
      Promise.reject(
        new TypeError(`refused header ${new Headers(init?.headers).get('authorization')}`),
      ),
    );
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/refused header Bearer \[redacted\]/);
    expect(reaches(error, secret)).toBe(false);
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
  });

  it.each([
    ['a line break inside', 'sk-live-SUPERSECRET\nsk-old-key'],
    ['curly quotes', '\u201csk-live-SUPERSECRET\u201d'],
  ])('a token with %s is refused at once, not retried as an outage', (_, token) => {
    // fetch cannot send it: every query failed as "could not reach the provider", was retried,
    // and waitForTask kept "following through the outage" until its deadline.
    let error: unknown;
    try {
      createClient({ token, baseURL: h.server.url });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'invalid_request' });
    expect(String((error as Error).message)).toMatch(/token/);
    expect(JSON.stringify(error)).not.toContain('SUPERSECRET');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('a baseURL that is not a URL is refused at once, not retried as an outage', () => {
    for (const baseURL of ['https://api gpt.ge', 'http://[api.gpt.ge]']) {
      expect(() => createClient({ token: 't', baseURL })).toThrow(/baseURL/);
    }
  });

  it('a key passed as baseURL by mistake is not shown in the refusal', () => {
    const secret = 'sk-live-in-the-wrong-place';
    let message = '';
    try {
      createClient({ token: 'https://api.gpt.ge', baseURL: secret });
    } catch (error) {
      message = JSON.stringify(error);
    }
    expect(message).toMatch(/invalid_request/);
    expect(message).not.toContain(secret);
  });

  it('a missing token says which setting to fill in', async () => {
    const client = createClient({ baseURL: h.server.url, clock: h.clock });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/no token was configured.*JIMENG_TOKEN/);
  });

  it('a 429 is retried after its Retry-After', async () => {
    h.sim.fault({ kind: 'status', status: 429, retryAfter: '2' });
    const started = h.clock.now();
    const task = await h.client.getTask(FIXTURE_TASK_ID);
    expect(task.status).toBe('done');
    expect(h.taskQueries()).toHaveLength(2);
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('5xx answers are retried, then reported with the status and request id', async () => {
    h.sim.fault({ kind: 'status', status: 503, times: 1 });
    await expect(h.client.getTask(FIXTURE_TASK_ID)).resolves.toMatchObject({ status: 'done' });
    h.sim.reset();
    h.sim.fault({ kind: 'status', status: 500, times: 10 });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('api_error');
    expect(error.upstreamCode).toBe(50500);
    expect(error.httpStatus).toBe(500);
    expect(error.requestId).toBeTruthy();
    expect(error.message).toContain(error.requestId);
    expect(h.taskQueries()).toHaveLength(4); // the first try and 3 retries
  });

  it('a 5xx is retried whatever business code its body carries', async () => {
    // An outage answered in the envelope with a code this library has no table entry for.
    h.sim.fault({ kind: 'status', status: 503, code: 50503, message: 'Service busy' });
    await expect(h.client.getTask(FIXTURE_TASK_ID)).resolves.toMatchObject({ status: 'done' });
    expect(h.taskQueries()).toHaveLength(2);
  });

  it('an HTML error page is an upstream_error, not a crash', async () => {
    h.sim.fault({ kind: 'html', status: 502, times: 10 });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID, { timeoutMs: 60_000 }));
    expect(error.code).toBe('upstream_error');
    expect(error.httpStatus).toBe(502);
    expect(error.message).toMatch(/HTML/);
  });

  it('a truncated body is retried, and reported as unparsable when it persists', async () => {
    h.sim.fault({ kind: 'truncated-json' });
    await expect(h.client.getTask(FIXTURE_TASK_ID)).resolves.toMatchObject({ status: 'done' });
    h.sim.fault({ kind: 'truncated-json', times: 10 });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a dropped connection is retried', async () => {
    h.sim.fault({ kind: 'reset' });
    await expect(h.client.getTask(FIXTURE_TASK_ID)).resolves.toMatchObject({ status: 'done' });
    expect(h.taskQueries()).toHaveLength(2);
  });

  it("the proxy's 401 shape and a 403 business body are both unauthorized", async () => {
    h.sim.fault({ kind: 'proxy-error', status: 401, message: `bad key ${SIMULATOR_TOKEN}` });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('unauthorized');
    expect(error.message).not.toContain(SIMULATOR_TOKEN);
  });

  it('a moderation refusal on a query is an api_error with the code explained', async () => {
    h.sim.fault({ kind: 'code', code: 50511, route: 'task' });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID));
    expect(error).toMatchObject({ code: 'api_error', upstreamCode: 50511 });
    expect(error.message).toMatch(/moderation/);
  });

  it('an unknown code with an empty message says no reason was given', async () => {
    h.sim.fault({ kind: 'code', code: 40099, status: 400, message: '', route: 'task' });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID));
    expect(error).toMatchObject({ code: 'api_error', upstreamCode: 40099 });
    expect(error.message).toMatch(/: no reason given \(code 40099\)\./);
  });

  it('timeoutMs bounds the whole call, retries included, when the provider hangs', async () => {
    h.sim.fault({ kind: 'hang', times: 10 });
    const started = h.clock.now();
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID, { timeoutMs: 5_000 }));
    expect(error.code).toBe('timeout');
    const spent = h.clock.now() - started;
    expect(spent).toBeGreaterThanOrEqual(5_000);
    // Far under one 30 s attempt timeout: the budget, not the attempts, ended it.
    expect(spent).toBeLessThan(20_000);
  });

  it("the call's timeout names the caller's budget, even when the timer beats the clock", async () => {
    h.sim.fault({ kind: 'hang' });
    const client = createClient({
      token: SIMULATOR_TOKEN,
      baseURL: h.server.url,
      clock: laggingClock(),
    });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID, { timeoutMs: 50 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`Timed out after 50 ms while querying task ${FIXTURE_TASK_ID}.`);
    expect(h.taskQueries()).toHaveLength(1);
  });

  it('a timeout after the provider failed keeps the request id of its last answer', async () => {
    h.sim.fault({ kind: 'status', status: 500, route: 'task' });
    h.sim.fault({ kind: 'hang', route: 'task', times: 10 });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID, { timeoutMs: 5_000 }));
    expect(error.code).toBe('timeout');
    expect(error.requestId).toMatch(/^\d{14}[0-9A-F]{20}$/);
  });

  it('attempts that hang until retries run out keep the request id of the last answer', async () => {
    h.sim.fault({ kind: 'status', status: 500, route: 'task' });
    h.sim.fault({ kind: 'hang', route: 'task', times: 10 });
    const error = await rejectionOf(h.client.getTask(FIXTURE_TASK_ID, { timeoutMs: 300_000 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 30 s/);
    expect(error.requestId).toMatch(/^\d{14}[0-9A-F]{20}$/);
  });

  it('an abort after the provider failed keeps the request id of its last answer', async () => {
    h.sim.fault({ kind: 'status', status: 500, route: 'task' });
    h.sim.fault({ kind: 'hang', route: 'task', times: 10 });
    const controller = new AbortController();
    const pending = rejectionOf(h.client.getTask(FIXTURE_TASK_ID, { signal: controller.signal }));
    // 500 ms of real time is 25 s on the harness clock: past the retry's backoff, into the hang.
    setTimeout(() => controller.abort(), 500);
    const error = await pending;
    expect(error.code).toBe('aborted');
    expect(error.requestId).toMatch(/^\d{14}[0-9A-F]{20}$/);
  });

  it('a hung attempt is cut off and retried within the budget', async () => {
    h.sim.fault({ kind: 'hang' });
    const task = await h.client.getTask(FIXTURE_TASK_ID, { timeoutMs: 120_000 });
    expect(task.status).toBe('done');
  });

  it('an abort ends the call at once, even mid-request', async () => {
    h.sim.fault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = h.client.getTask(FIXTURE_TASK_ID, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await rejectionOf(pending);
    expect(error.code).toBe('aborted');
  });

  it('an already-aborted signal sends nothing', async () => {
    const error = await rejectionOf(
      h.client.getTask(FIXTURE_TASK_ID, { signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('aborted');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('an unreachable provider is an upstream_error naming the setting to check', async () => {
    const client = createClient({
      token: 't',
      baseURL: `http://127.0.0.1:${await closedPort()}`,
      retries: 0,
      clock: h.clock,
    });
    const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/JIMENG_BASE_URL/);
    // Node's own words are only "fetch failed": what failed is one cause further down.
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('answers without a JSON body', () => {
  /** A bare proxy or load balancer in front of the API: a status, a text body, no envelope. */
  async function withTextServer(
    answer: { status: number; body: string; headers?: Record<string, string> },
    run: (baseURL: string, requests: () => number) => Promise<void>,
  ) {
    let requests = 0;
    const server = await serveOnLoopback((_req, res) => {
      requests++;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body);
    });
    try {
      await run(server.url, () => requests);
    } finally {
      await server.close();
    }
  }

  it.each([
    [401, 'Unauthorized'],
    [403, ''],
  ])('a %i with a text or empty body is unauthorized, asked once', async (status, body) => {
    await withTextServer({ status, body }, async (baseURL, requests) => {
      const client = createClient({ token: 'sk-bad', baseURL, clock: h.clock });
      const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
      expect(error).toMatchObject({ code: 'unauthorized', httpStatus: status });
      expect(error.message).toMatch(/JIMENG_TOKEN/);
      expect(requests()).toBe(1);
    });
  });

  it('a 429 with a text body is rate_limited with its Retry-After', async () => {
    const answer = { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '120' } };
    await withTextServer(answer, async (baseURL) => {
      const client = createClient({ token: 't', baseURL, clock: h.clock });
      const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
      expect(error).toMatchObject({ code: 'rate_limited', httpStatus: 429, retryAfterMs: 120_000 });
    });
  });

  it('a JSON answer mislabelled as text/html is read as the task it is', async () => {
    // Some proxies rewrite the content type; the body, not the label, says whether it is a page.
    const body = JSON.stringify({
      code: 10000,
      message: 'ok',
      request_id: 'rid-mislabelled',
      data: { status: 'in_queue', video_url: '', resp_data: '' },
    });
    const answer = { status: 200, body, headers: { 'content-type': 'text/html; charset=utf-8' } };
    await withTextServer(answer, async (baseURL) => {
      const client = createClient({ token: 't', baseURL, clock: h.clock });
      const task = await client.getTask(FIXTURE_TASK_ID);
      expect(task).toMatchObject({ status: 'queued', requestId: 'rid-mislabelled' });
    });
  });

  it('an HTML page with a 200 status is an upstream_error, not a task', async () => {
    const answer = {
      status: 200,
      body: '<!doctype html><title>Maintenance</title>',
      headers: { 'content-type': 'text/html' },
    };
    await withTextServer(answer, async (baseURL) => {
      const client = createClient({ token: 't', baseURL, clock: h.clock, retries: 0 });
      const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
      expect(error).toMatchObject({ code: 'upstream_error', httpStatus: 200 });
      expect(error.message).toMatch(/HTML page/);
    });
  });

  it('a 404 page (a wrong base URL) is not retried and names the setting to check', async () => {
    await withTextServer({ status: 404, body: '404 page not found' }, async (baseURL, requests) => {
      const client = createClient({ token: 't', baseURL, clock: h.clock });
      const error = await rejectionOf(client.getTask(FIXTURE_TASK_ID));
      expect(error).toMatchObject({ code: 'upstream_error', httpStatus: 404 });
      expect(error.message).toMatch(/JIMENG_BASE_URL/);
      expect(requests()).toBe(1);
    });
  });
});

/** Whether `secret` can be read anywhere from `value`, hidden properties and getters included. */
function reaches(value: unknown, secret: string, seen = new Set<unknown>(), depth = 0): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (!value || typeof value !== 'object' || seen.has(value) || depth > 8) return false;
  seen.add(value);
  if (value instanceof Headers) return [...value.values()].some((v) => v.includes(secret));
  return Object.getOwnPropertyNames(value).some((key) => {
    try {
      return reaches((value as Record<string, unknown>)[key], secret, seen, depth + 1);
    } catch {
      return false;
    }
  });
}
