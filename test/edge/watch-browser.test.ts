import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { useChromium } from './chromium.ts';
import { auth, sleep, TOKEN, useEdge } from './edge-harness.ts';
import { shareLink, WATCH_VARS } from './watch-harness.ts';

const edge = useEdge({ vars: WATCH_VARS }, { durationMs: 300 });
// Without R2; the tasks submitted through it run for a minute.
const unkept = useEdge({ videos: false, vars: WATCH_VARS }, { durationMs: 60_000 });
const chromium = useChromium('watch-page');

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** What a page did that it must not: ask another origin, break its own CSP, throw. */
function watchForMisdeeds(page: Page, origin = edge.edge.url) {
  const misdeeds: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) {
      misdeeds.push(`request to ${url}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') misdeeds.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => misdeeds.push(`page error: ${error}`));
  return misdeeds;
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (element) => element.textContent?.trim());

describe('the watch page in Chromium', () => {
  it('shows a running task turn to done without a reload, then the video loads, plays and seeks', async () => {
    const page = await chromium.open(PHONE);
    const misdeeds = watchForMisdeeds(page);
    const videoAnswers: Array<{
      range: string | undefined;
      status: number;
      contentRange?: string;
    }> = [];
    page.on('response', (response) => {
      if (!response.url().includes('/video?')) return;
      videoAnswers.push({
        range: response.request().headers().range,
        status: response.status(),
        contentRange: response.headers()['content-range'],
      });
    });
    let loads = 0;
    page.on('load', () => loads++);
    const prompt = 'A paper lantern drifts over a night river';
    const id = edge.sim.addTask({ durationMs: 1_500, prompt });
    const link = await shareLink(edge, id);

    await page.goto(link.href);
    expect(await text(page, '#label')).toMatch(/^(Waiting in the queue|Being generated)$/);
    expect(await text(page, '#title')).toBe('A video in the making');
    await chromium.shoot(page, 'running-360');

    await page.waitForSelector('main[data-state="done"] #stage video', { timeout: 10_000 });
    expect(loads).toBe(1); // the same document all along
    expect(await text(page, '#label')).toBe('Ready');
    expect(await text(page, '#title')).toBe(prompt);
    expect(await page.title()).toBe(`${prompt} · Jimeng video`);
    expect(await page.$eval('#elapsed', (element) => (element as HTMLElement).hidden)).toBe(true);
    expect(await page.$('#actions a[download]')).not.toBeNull();

    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, {
      timeout: 10_000,
    });
    const duration = await page.$eval('video', (video) => video.duration);
    expect(duration).toBeGreaterThan(0);
    await page.$eval('video', (video) => {
      video.muted = true;
      return video.play();
    });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.2, {
      timeout: 10_000,
    });
    const target = duration * 0.75;
    const landed = await page.$eval(
      'video',
      (video, to) =>
        new Promise<number>((resolve) => {
          video.pause();
          video.addEventListener('seeked', () => resolve(video.currentTime), { once: true });
          video.currentTime = to;
        }),
      target,
    );
    expect(landed).toBeCloseTo(target, 1);
    // Chromium asks for media by byte range, and seeks within what the ranges gave it.
    expect(videoAnswers.length).toBeGreaterThan(0);
    for (const answer of videoAnswers) {
      expect(answer.range).toMatch(/^bytes=\d+-/);
      expect(answer.status).toBe(206);
      expect(answer.contentRange).toMatch(/^bytes \d+-\d+\/\d+$/);
    }
    await chromium.shoot(page, 'done-live-360');
    expect(misdeeds).toEqual([]);
    await page.close();
  });

  it('downloads the same bytes as the provider’s video', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const link = await shareLink(edge, id);
    const folder = mkdtempSync(join(tmpdir(), 'jimeng-download-'));
    try {
      const page = await chromium.open(DESKTOP);
      const session = await chromium.browser.target().createCDPSession();
      await session.send('Browser.setDownloadBehavior', {
        behavior: 'allow',
        downloadPath: folder,
        eventsEnabled: true,
      });
      const finished = new Promise<string>((resolve) => {
        session.on('Browser.downloadProgress', (event) => {
          if (event.state !== 'inProgress') resolve(event.state);
        });
      });
      await page.goto(link.href);
      await page.click('a[download]');
      expect(await finished).toBe('completed');
      const downloaded = readFileSync(join(folder, `${id}.mp4`));

      const provider = createClient({ token: TOKEN, baseURL: edge.served.url });
      const original = await provider.downloadVideo(await provider.getTask(id));
      expect(new Uint8Array(downloaded)).toEqual(original.bytes);
      await session.detach();
      await page.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a finished task’s page plays with JavaScript off', async () => {
    const id = edge.sim.addTask({ durationMs: 0, prompt: 'A red fox runs through deep snow' });
    const link = await shareLink(edge, id);
    for (const [size, name] of [
      [PHONE, '360'],
      [DESKTOP, '1280'],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await chromium.open(size, scheme);
        const misdeeds = watchForMisdeeds(page);
        await page.setJavaScriptEnabled(false);
        await page.goto(link.href);
        // Evaluated by the test through the DevTools protocol; the page itself runs nothing.
        // The first frame is shown (readyState 2), not only the metadata: the screenshots show it.
        await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, {
          timeout: 10_000,
        });
        expect(await page.$eval('video', (video) => video.duration)).toBeGreaterThan(0);
        expect(await page.$eval('video', (video) => video.controls)).toBe(true);
        expect(await text(page, '#label')).toBe('Ready');
        // Nothing overflows a phone's width.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(size.width);
        await chromium.shoot(page, `done-${name}-${scheme}`);
        expect(misdeeds).toEqual([]);
        await page.close();
      }
    }
  });

  it('an edge without R2 plays the video too, asking no other site', async () => {
    const id = unkept.sim.addTask({ durationMs: 0 });
    const link = await shareLink(unkept, id);
    const page = await chromium.open(DESKTOP);
    const misdeeds = watchForMisdeeds(page, unkept.edge.url);
    await page.goto(link.href);
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, {
      timeout: 10_000,
    });
    expect(await page.$eval('video', (video) => video.duration)).toBeGreaterThan(0);
    expect(misdeeds).toEqual([]);
    await page.close();
  });

  it('a running page’s clock goes on from the task’s submit, not from the page’s load', async () => {
    const created = await unkept.call('/tasks', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'A kite over a beach' }),
    });
    const { taskId } = await created.json();
    await sleep(1_100);
    const page = await chromium.open(PHONE);
    await page.goto((await shareLink(unkept, taskId)).href);
    expect(await text(page, '#elapsed')).toMatch(/^0:0[1-9] since submitted$/);
    const first = await text(page, '#clock');
    // And it goes on, a second at a time.
    await page.waitForFunction(
      (was) => document.getElementById('clock')?.textContent !== was,
      {
        timeout: 3_000,
      },
      first,
    );
    await page.close();
  });

  it('a wrong sig shows a 404 page', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const link = await shareLink(edge, id);
    link.searchParams.set('sig', 'A'.repeat(43));
    const page = await chromium.open(PHONE, 'dark');
    const response = await page.goto(link.href);
    expect(response?.status()).toBe(404);
    expect(await text(page, 'h1')).toBe('Nothing here');
    expect(await text(page, '#label')).toBe('This link is not valid');
    expect(await page.$('video')).toBeNull();
    await chromium.shoot(page, 'not-found-360-dark');
    await page.close();
  });

  it('a running task that fails is told in words, with nothing to click', async () => {
    const id = edge.sim.addTask({ durationMs: 1_500, outcome: 'failed' });
    const page = await chromium.open(PHONE);
    await page.goto((await shareLink(edge, id)).href);
    expect(await text(page, '#label')).toMatch(/^(Waiting in the queue|Being generated)$/);
    // The page reloads itself into the server's page for a failed task.
    await page.waitForNavigation({ timeout: 10_000 });
    expect(await text(page, '#label')).toBe('This video could not be made');
    expect(await page.$('script')).toBeNull();
    await page.close();
  });

  it('a failed task says so on a phone', async () => {
    const id = edge.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const page = await chromium.open(PHONE);
    await page.goto((await shareLink(edge, id)).href);
    expect(await text(page, '#label')).toBe('This video could not be made');
    await chromium.shoot(page, 'failed-360');
    await page.close();
  });
});
