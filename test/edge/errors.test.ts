import { describe, expect, it } from 'vitest';
import { auth, TOKEN, useEdge } from './edge-harness.ts';

const edge = useEdge();

/** One query against a pending task with the next upstream answer replaced by `fault`. */
async function withFault(fault: Parameters<typeof edge.sim.fault>[0]) {
  const id = edge.sim.addTask({ durationMs: 60_000 });
  edge.sim.fault({ route: 'task', ...fault });
  const response = await edge.call(`/task/${id}`, { headers: auth });
  return { response, body: await response.json() };
}

describe('upstream failures become honest statuses, one JSON shape', () => {
  it('429 when the provider rate limits, with its Retry-After', async () => {
    const { response, body } = await withFault({ kind: 'status', status: 429, retryAfter: '7' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(body.error).toMatchObject({ code: 'rate_limited', requestId: expect.any(String) });
  });

  it('502 when the provider answers an HTML error page', async () => {
    const { response, body } = await withFault({ kind: 'html', status: 502 });
    expect(response.status).toBe(502);
    expect(body.error.code).toBe('upstream_error');
  });

  it('502 when the provider answers garbage (a cut-off body)', async () => {
    const { response, body } = await withFault({ kind: 'truncated-json' });
    expect(response.status).toBe(502);
    expect(body.error.code).toBe('upstream_error');
  });

  it('502 when a 5xx business error comes back', async () => {
    const { response, body } = await withFault({ kind: 'status', status: 500 });
    expect(response.status).toBe(502);
    expect(['api_error', 'upstream_error']).toContain(body.error.code);
  });

  it('503 when the provider refuses our credentials (never 401: the caller is fine)', async () => {
    const { response, body } = await withFault({ kind: 'proxy-error', status: 401 });
    expect(response.status).toBe(503);
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toContain('JIMENG_TOKEN');
  });

  it('504 when the provider does not answer in time', async () => {
    const { response, body } = await withFault({ kind: 'hang' });
    expect(response.status).toBe(504);
    expect(body.error.code).toBe('timeout');
  });

  it('502 when the connection drops', async () => {
    const { response, body } = await withFault({ kind: 'reset' });
    expect(response.status).toBe(502);
    expect(body.error.code).toBe('upstream_error');
  });

  it('?wait that only ever heard a rate limit answers 429 with Retry-After, not a 504', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    edge.sim.fault({ route: 'task', kind: 'status', status: 429, retryAfter: '7' });
    const response = await edge.call(`/task/${id}?wait=0.5`, { headers: auth });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect((await response.json()).error.code).toBe('rate_limited');
  });

  it('?wait that only ever heard error pages answers 502, not a 504', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    edge.sim.fault({ route: 'task', kind: 'html', status: 502, times: 1_000 });
    try {
      const response = await edge.call(`/task/${id}?wait=0.5`, { headers: auth });
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe('upstream_error');
    } finally {
      edge.sim.reset();
    }
  });

  it('422 when the provider refuses the task itself (moderation)', async () => {
    const id = edge.sim.addTask({ durationMs: 0, outcome: 'moderation' });
    const response = await edge.call(`/task/${id}`, { headers: auth });
    expect(response.status).toBe(422);
    expect((await response.json()).error).toMatchObject({ code: 'api_error' });
  });

  it('an unknown upstream status is passed on, not an error', async () => {
    const id = edge.sim.addTask({ durationMs: 0, outcome: { status: 'pondering' } });
    const response = await edge.call(`/task/${id}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'unknown', upstreamStatus: 'pondering' });
  });

  it('a token the provider echoes back is redacted', async () => {
    const { response, body } = await withFault({
      kind: 'proxy-error',
      status: 403,
      message: `token ${TOKEN} is not allowed`,
    });
    expect(response.status).toBe(503);
    expect(body.error.message).toContain('[redacted]');
  });

  it('errors are never cached', async () => {
    const { response } = await withFault({ kind: 'html', status: 503 });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('never lets the token out', () => {
    expect(edge.seen.length).toBeGreaterThanOrEqual(11);
    for (const text of edge.seen) expect(text).not.toContain(TOKEN);
  });
});
