import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auth, sleep, untilInR2, useEdge } from './edge-harness.ts';
import { expectedSig, shareLink, under, WATCH_VARS } from './watch-harness.ts';

const edge = useEdge({ vars: WATCH_VARS });
const relayed = useEdge({ videos: false, vars: WATCH_VARS });
const unset = useEdge();
const weak = useEdge({ vars: { EDGE_SHARE_SECRET: 'short-secret' } });
const limited = useEdge({ vars: WATCH_VARS, rateLimitPerMinute: 3 });

describe('GET /task/:id/share', () => {
  it('answers a link to /v/:id at the edge, signed with HMAC-SHA256 of the id (base64url)', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    const link = await shareLink(edge, id);
    expect(link.origin).toBe(edge.edge.url);
    expect(link.pathname).toBe(`/v/${id}`);
    expect([...link.searchParams.keys()]).toEqual(['sig']);
    expect(link.searchParams.get('sig')).toBe(expectedSig(id));
    // The same link every time: no expiry, nothing random.
    expect((await shareLink(edge, id)).href).toBe(link.href);
  });

  it('keeps the video of a running task it links to: the page plays after the provider forgot it, though nobody opened the link', async () => {
    const id = edge.sim.addTask({ durationMs: 300, prompt: 'A heron takes off' });
    const link = await shareLink(edge, id);
    expect(await untilInR2(edge, id)).toBe(true);
    edge.sim.reset(); // 12 hours later: the provider answers not_found
    const page = await edge.call(under(link, ''));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1 id="title">A heron takes off</h1>');
    expect(html).toContain('>Ready</p>');
    expect(html).toContain('<video');
    expect((await edge.call(under(link, '/video'))).status).toBe(200);
  });

  it('without R2 the link asks nothing of the provider: there is nothing to keep', async () => {
    const id = relayed.sim.addTask({ durationMs: 60_000 });
    await shareLink(relayed, id);
    await sleep(300);
    expect(relayed.queriesFor(id)).toBe(0);
  });

  it('needs a caller key, and a valid id', async () => {
    const id = edge.sim.addTask();
    expect((await edge.call(`/task/${id}/share`)).status).toBe(401);
    const bad = await edge.call('/task/a%22b/share', { headers: auth });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_task_id');
  });

  it('without EDGE_SHARE_SECRET says what to set, in the edge’s error shape', async () => {
    const response = await unset.call(`/task/${unset.sim.addTask()}/share`, { headers: auth });
    expect(response.status).toBe(503);
    const { error } = await response.json();
    expect(error.code).toBe('not_configured');
    expect(error.message).toContain('EDGE_SHARE_SECRET');
  });

  it('refuses to sign with a secret too short to guard anything, and says so', async () => {
    const response = await weak.call(`/task/${weak.sim.addTask()}/share`, { headers: auth });
    expect(response.status).toBe(503);
    const { error } = await response.json();
    expect(error.message).toMatch(/EDGE_SHARE_SECRET is too short .*32/);
    expect(error.message).not.toContain('short-secret');
  });
});

describe('a share link grants its own task alone', () => {
  it('opens the page, the stream and the video without a key', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const link = await shareLink(edge, id);
    expect((await edge.call(under(link, ''))).status).toBe(200);
    const events = await edge.call(under(link, '/events'));
    expect(events.status).toBe(200);
    await events.body?.cancel();
    const video = await edge.call(under(link, '/video'));
    expect(video.status).toBe(200);
    await video.arrayBuffer();
  });

  it('a wrong, missing, cut or borrowed sig is a 404, as if nothing were there, and asks nobody', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const other = edge.sim.addTask({ durationMs: 0 });
    const sig = expectedSig(id);
    const tampered = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    // The same 32 bytes spelt another way: the last character's two unused bits set.
    const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelt = `${sig.slice(0, -1)}${base64url[base64url.indexOf(sig.at(-1) ?? '') + 1]}`;
    const queries = [
      '',
      '?sig=',
      `?sig=${sig.slice(0, 20)}`,
      `?sig=${tampered}`,
      `?sig=${respelt}`,
      `?sig=${expectedSig(other)}`,
      `?sig=${sig}%3D`,
    ];
    for (const query of queries) {
      const page = await edge.call(`/v/${id}${query}`);
      expect(page.status, query).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('Nothing here');
      expect(html).not.toContain('<video');
      for (const path of ['/events', '/video']) {
        const response = await edge.call(`/v/${id}${path}${query}`);
        expect(response.status, `${path}${query}`).toBe(404);
        // The same answer as a route that does not exist.
        expect((await response.json()).error.code).toBe('not_found');
      }
    }
    expect(edge.queriesFor(id)).toBe(0);
    // The borrowed link still opens its own task.
    expect((await edge.call(`/v/${other}?sig=${expectedSig(other)}`)).status).toBe(200);
  });

  it('the page is rate limited per IP: an Authorization header of any kind buys no fresh budget', async () => {
    const id = limited.sim.addTask({ durationMs: 0 });
    const link = await shareLink(limited, id);
    const statuses: number[] = [];
    for (const authorization of ['Bearer a', 'Bearer b', 'Bearer c', 'Bearer d']) {
      statuses.push((await limited.call(under(link, ''), { headers: { authorization } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('an edge without a secret opens no share link', async () => {
    const id = unset.sim.addTask({ durationMs: 0 });
    const forged = createHmac('sha256', '').update(id).digest('base64url');
    expect((await unset.call(`/v/${id}?sig=${forged}`)).status).toBe(404);
    expect((await unset.call(`/v/${id}/video?sig=${forged}`)).status).toBe(404);
  });
});
