import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE_VIDEO_PARAMS, sampleVideo } from '../../src/simulator/sample-video.ts';
import { auth, sleep, TOKEN, untilFollowerSettled, untilInR2, useEdge } from './edge-harness.ts';
import { SHARE_SECRET, shareLink, signedLink, under, WATCH_VARS } from './watch-harness.ts';

const edge = useEdge({ vars: WATCH_VARS }, { durationMs: 300 });
const unkept = useEdge({ videos: false, vars: WATCH_VARS }, { urlTtlMs: -60_000 });
// Tasks submitted through it run for a minute: their pages are running pages.
const relayed = useEdge({ videos: false, vars: WATCH_VARS }, { durationMs: 60_000 });

/** The content of `<meta property|name="key">`, entities decoded. */
function meta(html: string, key: string): string | undefined {
  const match = new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
}

async function page(h: typeof edge, link: URL) {
  const response = await h.call(under(link, ''));
  return { response, html: await response.text() };
}

/** What must never reach a person holding the link. */
function expectNothingSecret(text: string) {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(SHARE_SECRET);
  expect(text).not.toContain('/video/tos/'); // the provider's own (dying) link
}

describe('the watch page of a finished task', () => {
  it('shows the prompt as its title, plays the video from the edge, offers a download, and needs no script', async () => {
    const prompt = 'A red fox <runs> through "deep" snow & wind';
    const id = edge.sim.addTask({ durationMs: 0, prompt });
    const link = await shareLink(edge, id);
    const { response, html } = await page(edge, link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    const escaped = 'A red fox &lt;runs&gt; through &quot;deep&quot; snow &amp; wind';
    expect(html).toContain(`<title>${escaped} · Jimeng video</title>`);
    expect(html).toContain(`<h1 id="title">${escaped}</h1>`);
    const video = /<video ([^>]*)>/.exec(html)?.[1] ?? '';
    expect(video).toContain('controls=""');
    expect(video).toContain('playsinline=""');
    expect(video).toContain('preload="metadata"');
    expect(video).toContain(`src="${link.origin}${under(link, '/video')}"`);
    expect(video).toContain('width="320" height="180"'); // the task's params: the sample's size
    // Its accessible name: a screen reader says what the video is, not just "video".
    expect(video).toContain(`aria-label="${escaped}"`);
    expect(html).toContain(`href="${link.origin}${under(link, '/video', '&amp;download=1')}"`);
    expect(html).toMatch(/<p id="label" role="status" aria-live="polite">Ready<\/p>/);
    expect(html).not.toContain('<script');
  });

  it('unfurls as the video: Open Graph and Twitter player tags at the size the provider made it', async () => {
    const id = edge.sim.addTask({ durationMs: 0, prompt: 'A tall waterfall' });
    const { width, height } = SAMPLE_VIDEO_PARAMS; // what the simulator's resp_data says
    const link = await shareLink(edge, id);
    const { html } = await page(edge, link);
    const videoUrl = `${link.origin}${under(link, '/video')}`;
    expect(meta(html, 'og:title')).toBe('A tall waterfall');
    expect(meta(html, 'og:description')).toBe('A tall waterfall');
    expect(meta(html, 'og:type')).toBe('video.other');
    expect(meta(html, 'og:url')).toBe(link.href);
    expect(meta(html, 'og:video')).toBe(videoUrl);
    expect(meta(html, 'og:video:secure_url')).toBe(videoUrl);
    expect(meta(html, 'og:video:type')).toBe('video/mp4');
    expect(meta(html, 'og:video:width')).toBe(String(width));
    expect(meta(html, 'og:video:height')).toBe(String(height));
    expect(meta(html, 'twitter:card')).toBe('player');
    expect(meta(html, 'twitter:player')).toBe(videoUrl);
    expect(meta(html, 'twitter:player:width')).toBe(String(width));
    expect(meta(html, 'twitter:player:height')).toBe(String(height));
    expect(meta(html, 'twitter:player:stream')).toBe(videoUrl);
    expect(meta(html, 'twitter:player:stream:content_type')).toBe('video/mp4');
    // What the tags point at is the mp4 itself.
    const video = await edge.call(under(link, '/video'));
    expect(video.headers.get('content-type')).toBe('video/mp4');
    await video.arrayBuffer();
  });

  it('holds no secret and no provider link, and asks nothing of any other site (its CSP says so)', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const link = await shareLink(edge, id);
    const { response, html } = await page(edge, link);
    expectNothingSecret(html);
    expectNothingSecret(JSON.stringify([...response.headers]));
    // Every URL in the page is the edge's own (the favicon's SVG namespace is a name, not a request).
    const urls = html.replaceAll('http://www.w3.org/2000/svg', '').match(/https?:\/\/[^"'&\s)]+/g);
    expect(urls?.length).toBeGreaterThan(0);
    for (const url of urls ?? []) expect(url.startsWith(`${link.origin}/v/${id}`)).toBe(true);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /style nonce="([^"]+)"/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain(`script-src 'nonce-${nonce}'`);
    expect(csp).toContain("media-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // The link's sig is the grant: it must not leave in a Referer.
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000');
    // A fresh nonce per answer.
    const again = await page(edge, link);
    expect(/style nonce="([^"]+)"/.exec(again.html)?.[1]).not.toBe(nonce);
  });

  it('is at most 10 KB gzip, style and script inline', async () => {
    const running = await page(
      edge,
      await shareLink(edge, edge.sim.addTask({ durationMs: 60_000 })),
    );
    const done = await page(edge, await shareLink(edge, edge.sim.addTask({ durationMs: 0 })));
    expect(running.html).toContain('<script nonce=');
    for (const { html } of [running, done]) {
      expect(gzipSync(html).byteLength).toBeLessThanOrEqual(10 * 1024);
    }
  });

  it('keeps playing after the provider has forgotten the task: the kept copy describes itself', async () => {
    const id = edge.sim.addTask({ durationMs: 0, prompt: 'A lighthouse at dusk' });
    const link = await shareLink(edge, id);
    await (await edge.call(under(link, '/video'))).arrayBuffer(); // kept in R2 now
    // The link had the task's follower follow it: its query must not land after the reset.
    await untilFollowerSettled(edge, id);
    edge.sim.reset(); // the provider forgets everything
    const { response, html } = await page(edge, link);
    expect(response.status).toBe(200);
    expect(html).toContain('<h1 id="title">A lighthouse at dusk</h1>');
    expect(meta(html, 'og:video:width')).toBe('320');
    expect(html).toContain('320 × 180 · 1.5 s');
    const video = await edge.call(under(link, '/video'));
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(sampleVideo());
    expect(edge.sim.requests).toHaveLength(0);
  });

  it('opened once, by an unfurler that reads only the HTML, it keeps the video for when the provider has forgotten the task', async () => {
    const id = edge.sim.addTask({ durationMs: 0, prompt: 'A kite over the dunes' });
    const link = signedLink(edge, id); // handed out earlier: nothing here asked /share
    expect((await page(edge, link)).response.status).toBe(200);
    expect(await untilInR2(edge, id)).toBe(true);
    edge.sim.reset(); // 12 hours later: the provider answers not_found
    const { response, html } = await page(edge, link);
    expect(response.status).toBe(200);
    expect(html).toContain('<h1 id="title">A kite over the dunes</h1>');
    expect(html).toMatch(/<p id="label" role="status" aria-live="polite">Ready<\/p>/);
    expect(html).toContain('<video');
    const video = await edge.call(under(link, '/video'));
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(sampleVideo());
  });
});

describe('the watch page of a running task', () => {
  it('says it is being made and follows it live; its tags say so too, and nothing caches it', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    const link = await shareLink(edge, id);
    const { response, html } = await page(edge, link);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('Waiting in the queue');
    expect(html).toContain('<h1 id="title">A video in the making</h1>');
    expect(html).toContain(`data-events="${link.origin}${under(link, '/events')}"`);
    expect(html).toMatch(/<template id="player"><video [^>]*src="[^"]+\/video\?sig=/);
    expect(html).toContain('<meta http-equiv="refresh" content="20"/>');
    expect(meta(html, 'og:title')).toBe('A video in the making');
    expect(meta(html, 'og:description')).toMatch(/^Still being made/);
    expect(meta(html, 'og:type')).toBe('website');
    expect(meta(html, 'og:video')).toBeUndefined();
    expect(meta(html, 'twitter:card')).toBe('summary');
    expectNothingSecret(html);
  });
});

describe('the running page’s clock: the task’s time, never the page’s', () => {
  /** The clock as rendered: milliseconds so far, its text and the words that say from when. */
  function clock(html: string) {
    const match =
      /<span id="elapsed" role="timer" data-elapsed="(\d+)"><span id="clock">(\d+:\d\d)<\/span> ([^<]+)<\/span>/.exec(
        html,
      );
    if (!match) throw new Error('no clock on the page');
    return { ms: Number(match[1]), text: match[2], words: match[3] };
  }

  it('a task submitted here counts from its submit, even without R2 or a webhook', async () => {
    const created = await relayed.call('/tasks', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'A slow river at dawn' }),
    });
    expect(created.status).toBe(201);
    const { taskId } = await created.json();
    await sleep(1_100);
    const { html } = await page(relayed, await shareLink(relayed, taskId));
    const shown = clock(html);
    expect(shown.ms).toBeGreaterThanOrEqual(1_100);
    expect(shown.text).not.toBe('0:00');
    expect(shown.words).toBe('since submitted');
    // Nothing polled it meanwhile: nobody watched, nothing was to be kept.
    const queries = relayed.sim.requests.filter((r) => r.method === 'GET' && r.taskId === taskId);
    expect(queries).toHaveLength(1); // the page's own
  });

  it('a task submitted here is titled with its prompt while it runs: page, unfurl and stream', async () => {
    const prompt = 'A "slow" river & its dawn';
    const created = await relayed.call('/tasks', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
    });
    const { taskId } = await created.json();
    const link = await shareLink(relayed, taskId);
    const { html } = await page(relayed, link);
    expect(html).toContain('Waiting in the queue');
    const escaped = 'A &quot;slow&quot; river &amp; its dawn';
    expect(html).toContain(`<title>${escaped} · Jimeng video</title>`);
    expect(html).toContain(`<h1 id="title">${escaped}</h1>`);
    expect(meta(html, 'og:title')).toBe(prompt);
    expect(meta(html, 'twitter:title')).toBe(prompt);
    expect(meta(html, 'og:description')).toMatch(/^Still being made/);
    // The stream's view replaces the page's title: it must not put the placeholder back.
    const events = await fetch(`${link.origin}${under(link, '/events')}`);
    const reader = events.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!/data: .*\n/.test(text)) text += (await reader?.read())?.value ?? '';
    await reader?.cancel();
    expect(JSON.parse(/data: (.*)\n/.exec(text)?.[1] ?? '{}')).toMatchObject({
      state: 'queued',
      title: prompt,
    });
  });

  it('a task submitted elsewhere counts from when this edge first followed it, and says so', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    // Handing out the link started its follower, which keeps the video (R2).
    const link = await shareLink(edge, id);
    const first = clock((await page(edge, link)).html);
    expect(first.ms).toBeLessThan(1_000);
    expect(first.words).toBe('since first seen');
    // The page's stream is what follows it. Fetched, not `call`ed: `call` reads a copy of the
    // body to its end, which a running task's stream reaches only after many seconds.
    const events = await fetch(`${link.origin}${under(link, '/events')}`);
    const reader = events.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await sleep(1_100);
    const shown = clock((await page(edge, link)).html);
    expect(shown.ms).toBeGreaterThanOrEqual(1_000);
    expect(shown.words).toBe('since first seen');
  });
});

describe('tasks that will not play, in words that say what to do', () => {
  const cases = [
    { outcome: 'failed', status: 200, words: 'could not be made', todo: 'submit the prompt again' },
    {
      outcome: 'expired',
      status: 410,
      words: 'This task expired',
      todo: 'Submit the prompt again',
    },
    { outcome: 'moderation', status: 422, words: 'refused', todo: 'Change the prompt' },
  ] as const;
  for (const { outcome, status, words, todo } of cases) {
    it(`${outcome}: ${status}, "${words}"`, async () => {
      const id = edge.sim.addTask({ durationMs: 0, outcome });
      const { response, html } = await page(edge, await shareLink(edge, id));
      expect(response.status).toBe(status);
      expect(html).toContain(words);
      expect(html).toContain(todo);
      expect(html).not.toContain('<video');
      expect(html).not.toContain('<script');
      expect(meta(html, 'og:video')).toBeUndefined();
    });
  }

  it('a task the provider does not know: 404, "No such task"', async () => {
    const { response, html } = await page(edge, await shareLink(edge, '12345678901234567890'));
    expect(response.status).toBe(404);
    expect(html).toContain('No such task');
    expect(html).toContain('12 hours');
  });

  it('a provider that does not answer: its status, and "reload in a minute"', async () => {
    // Without R2: there, the link's follower would ask the provider too, and meet the fault first.
    const id = relayed.sim.addTask({ durationMs: 60_000 });
    const link = await shareLink(relayed, id);
    relayed.sim.fault({ route: 'task', kind: 'html', status: 502 });
    const { response, html } = await page(relayed, link);
    expect(response.status).toBe(502);
    expect(html).toContain('The provider is not answering');
    expect(html).toContain('reload this page in a minute');
    expectNothingSecret(html);
  });

  it('a video whose link died before it was kept: 410, "no longer available"', async () => {
    const id = unkept.sim.addTask({ durationMs: 0 });
    const { response, html } = await page(unkept, await shareLink(unkept, id));
    expect(response.status).toBe(410);
    expect(html).toContain('no longer available');
    expect(html).not.toContain('<video');
  });
});

describe('/v/:id/video and /v/:id/events', () => {
  it('the video: the kept mp4, Range for seeking, ?download=1 as an attachment named after the task', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const link = await shareLink(edge, id);
    const whole = await edge.call(under(link, '/video'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toBeNull();
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(sampleVideo());
    const part = await edge.call(under(link, '/video'), { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(sampleVideo().slice(10, 20));
    const download = await edge.call(under(link, '/video', '&download=1'));
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${id}.mp4"`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(sampleVideo());
  });

  it('without R2 the video still comes from the edge, never by a redirect to the provider: the page’s CSP allows no other site', async () => {
    const id = relayed.sim.addTask({ durationMs: 0 });
    const link = await shareLink(relayed, id);
    const whole = await relayed.call(under(link, '/video'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('location')).toBeNull();
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(sampleVideo());
    const part = await relayed.call(under(link, '/video'), { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${sampleVideo().byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(sampleVideo().slice(10, 20));
    const download = await relayed.call(under(link, '/video', '&download=1'));
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${id}.mp4"`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(sampleVideo());
    for (const text of relayed.seen) expectNothingSecret(text);
  });

  it('without R2, a link that died since the page was made: 410 video_expired', async () => {
    const id = unkept.sim.addTask({ durationMs: 0 });
    const link = await shareLink(unkept, id);
    const response = await unkept.call(under(link, '/video'));
    expect(response.status).toBe(410);
    expect((await response.json()).error.code).toBe('video_expired');
  });

  it('the stream: the page’s words for each status, then done; never the provider’s body or link', async () => {
    const id = edge.sim.addTask({ durationMs: 300, prompt: 'A paper boat on a pond' });
    const link = await shareLink(edge, id);
    const response = await edge.call(under(link, '/events'));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text(); // the stream ends after its final event
    expectNothingSecret(text);
    expect(text).not.toContain('"raw"');
    expect(text).not.toContain('videoUrl');
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map(([, event, data]) => ({
      event,
      view: JSON.parse(data ?? '{}'),
    }));
    expect(events[0]?.view).toMatchObject({ id, state: 'queued', label: 'Waiting in the queue' });
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      view: { state: 'done', label: 'Ready', title: 'A paper boat on a pond', width: 320 },
    });
  });
});
