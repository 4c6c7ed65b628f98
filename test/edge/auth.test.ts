import { describe, expect, it } from 'vitest';
import { auth, KEY, TOKEN, useEdge } from './edge-harness.ts';

const APP = 'https://app.example.com';
const keyed = useEdge({ apiKeys: `${KEY}, edge-key-2`, corsOrigins: APP });
const closed = useEdge({ apiKeys: '' });
const open = useEdge({ apiKeys: '', public: true });
const limited = useEdge({ rateLimitPerMinute: 2 });
const spellings = useEdge({ rateLimitPerMinute: 2 });
const limitedOpen = useEdge({ apiKeys: '', public: true, rateLimitPerMinute: 2 });

describe('auth on: EDGE_API_KEYS', () => {
  it('401 without an Authorization header, with a Bearer challenge', async () => {
    const response = await keyed.call('/task/123');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await response.json()).error.code).toBe('caller_unauthorized');
  });

  it('401 with a wrong key', async () => {
    const response = await keyed.call('/task/123', { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
  });

  it('401 with a malformed Authorization header', async () => {
    const response = await keyed.call('/task/123', { headers: { authorization: 'Basic a b' } });
    expect(response.status).toBe(401);
  });

  it('any configured key is accepted', async () => {
    const id = keyed.sim.addTask({ durationMs: 0 });
    for (const key of [KEY, 'edge-key-2']) {
      const response = await keyed.call(`/task/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
    }
  });

  it('POST /tasks needs a key too', async () => {
    const response = await keyed.call('/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(response.status).toBe(401);
    expect(keyed.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('GET /healthz needs no key and calls nobody', async () => {
    const before = keyed.sim.requests.length;
    const response = await keyed.call('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, videos: true });
    expect(keyed.sim.requests.length).toBe(before);
  });
});

describe('CORS: origins from CORS_ORIGINS, not *', () => {
  it('answers a preflight from an allowed origin without a key', async () => {
    const response = await keyed.call('/task/123', {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
  });

  it('gives another origin no allow-origin header', async () => {
    const response = await keyed.call('/task/123', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a GET from an allowed origin can read Retry-After and Location', async () => {
    const id = keyed.sim.addTask({ durationMs: 0 });
    const response = await keyed.call(`/task/${id}`, { headers: { ...auth, origin: APP } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('an answer to a caller without Origin says it varies by Origin, so no cache hands it to a browser', async () => {
    const id = keyed.sim.addTask({ durationMs: 0 });
    const answers = [
      await keyed.call(`/task/${id}`, { headers: auth }),
      await keyed.call(`/task/${id}`),
      await keyed.call(`/task/${id}/video`, { headers: auth }),
      await keyed.call(`/task/${id}/video`, { headers: auth }),
      await keyed.call('/healthz'),
    ];
    for (const response of answers) {
      await response.arrayBuffer();
      expect(response.headers.get('vary')).toContain('Origin');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    // The second /video is served straight from R2.
    expect(answers[3]?.headers.get('content-type')).toBe('video/mp4');
  });

  it('error answers carry CORS headers too, so a browser can read them', async () => {
    const response = await keyed.call('/task/123', { headers: { origin: APP } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('auth with no keys configured', () => {
  it('401 naming the setting on every task route', async () => {
    for (const [path, init] of [
      ['/task/123', {}],
      ['/task/123/events', {}],
      ['/task/123/video', {}],
      ['/tasks', { method: 'POST' }],
    ] as const) {
      const response = await closed.call(path, { ...init, headers: auth });
      expect(response.status).toBe(401);
      expect((await response.json()).error.message).toContain('EDGE_API_KEYS');
    }
    expect(closed.sim.requests).toHaveLength(0);
  });

  it('EDGE_PUBLIC="true" serves task routes without a key', async () => {
    const id = open.sim.addTask({ durationMs: 0 });
    const response = await open.call(`/task/${id}`);
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('done');
  });
});

describe('rate limiting through the Workers binding', () => {
  it('429 with Retry-After once a key spends its budget', async () => {
    const id = limited.sim.addTask({ durationMs: 0 });
    const answers: Response[] = [];
    for (let i = 0; i < 3; i++) answers.push(await limited.call(`/task/${id}`, { headers: auth }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    const refused = answers[2] as Response;
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await refused.json()).error.code).toBe('rate_limited');
  });

  it('another spelling of the same key shares its budget', async () => {
    const id = spellings.sim.addTask({ durationMs: 0 });
    const statuses: number[] = [];
    // bearer-auth accepts all of these as the one key.
    for (const authorization of [`Bearer ${KEY}`, `bearer ${KEY}`, `Bearer   ${KEY}`]) {
      statuses.push((await spellings.call(`/task/${id}`, { headers: { authorization } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('on a public endpoint the budget is per IP, whatever Authorization header is sent', async () => {
    const id = limitedOpen.sim.addTask({ durationMs: 0 });
    const statuses: number[] = [];
    for (const authorization of ['Bearer a', 'Bearer b', 'Bearer c']) {
      statuses.push((await limitedOpen.call(`/task/${id}`, { headers: { authorization } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('the token', () => {
  it('never appears in any response', () => {
    const all = [keyed, closed, open, limited, spellings, limitedOpen].flatMap((h) => h.seen);
    expect(all.length).toBeGreaterThan(10);
    for (const text of all) expect(text).not.toContain(TOKEN);
  });
});
