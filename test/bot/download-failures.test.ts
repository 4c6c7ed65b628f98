import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import {
  contentOf,
  type Harness,
  type HarnessOptions,
  isOriginalEdit,
  providerLink,
  resultCommand,
  startHarness,
  uploadNamed,
} from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const isVideoRequest = (r: { path: string }) => r.path.includes('/video/');

/** Runs `/jimeng result` on a done task whose video downloads meet `faults`; the final text. */
async function finalText(faults: Fault[], options: HarnessOptions = {}) {
  h = await startHarness({
    ...options,
    bot: { edgePublicURL: 'https://edge.example', ...options.bot },
  });
  for (const fault of faults) h.sim.fault(fault);
  const taskId = h.sim.addTask();
  await h.discord.sendInteraction(resultCommand(taskId));
  const final = await h.discord.waitFor(
    (r) => isOriginalEdit(r) && contentOf(r).includes('could not fetch its video'),
  );
  await h.bot.runner.idle();
  expect(final.files).toHaveLength(0);
  const text = contentOf(final);
  expect(text).toContain(`Task \`${taskId}\` is done`);
  expect(text).toContain(`https://edge.example/task/${taskId}/video`);
  expect(text).not.toContain('sim-token');
  return { text, taskId };
}

describe('a done task whose video cannot be fetched', () => {
  it('a link the video host refuses once is replaced by a fresh one, and the video arrives', async () => {
    h = await startHarness();
    h.sim.fault({ route: 'video', kind: 'html', status: 403 });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const upload = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(Buffer.from(upload.files[0]?.bytes ?? []).equals(Buffer.from(sampleVideo()))).toBe(true);
    await h.bot.runner.idle();
    expect(h.sim.requests.filter(isVideoRequest)).toHaveLength(2);
    expect(h.logs.some((l) => l.includes('event=video_link_refreshed'))).toBe(true);
  });

  it('a link refused again after the refresh is told as expired, with the command for a fresh one', async () => {
    const { text, taskId } = await finalText([
      { route: 'video', kind: 'status', status: 410, times: 2 },
    ]);
    expect(text).toContain('its link has expired (the video host answered HTTP 410)');
    expect(text).toContain(
      `Run \`/jimeng result task_id:${taskId}\` in a few minutes for a fresh link.`,
    );
    // The dead link is not handed out.
    expect(text).not.toMatch(providerLink(h.served.url));
    expect(h.sim.requests.filter(isVideoRequest)).toHaveLength(2);
  });

  it('a page instead of the video is told as a dead or blocked link', async () => {
    const { text, taskId } = await finalText([
      { route: 'video', kind: 'html', status: 200, times: 2 },
    ]);
    expect(text).toContain('sent a page instead of the video');
    expect(text).toContain(`/jimeng result task_id:${taskId}\` in a few minutes for a fresh link`);
    expect(text).not.toMatch(providerLink(h.served.url));
  });

  it('a failing video host is told as brief, with the link, and not retried behind the user', async () => {
    const { text, taskId } = await finalText([{ route: 'video', kind: 'html', status: 503 }]);
    expect(text).toContain('the video host is failing (HTTP 503)');
    expect(text).toMatch(providerLink(h.served.url));
    expect(text).toContain(`try again in a few minutes with \`/jimeng result task_id:${taskId}\``);
    expect(h.sim.requests.filter(isVideoRequest)).toHaveLength(1);
  });

  it('a video host that drops the connection is told as unreachable', async () => {
    const { text } = await finalText([{ route: 'video', kind: 'reset' }]);
    expect(text).toContain('the video host could not be reached');
    expect(text).toMatch(providerLink(h.served.url));
    expect(text).toContain('try again in a few minutes');
  });

  it('a video host that breaks off mid-body is told as such', async () => {
    const { text } = await finalText([{ route: 'video', kind: 'cut-off' }]);
    expect(text).toContain('the video host broke off in the middle of the download');
    expect(text).toContain('try again in a few minutes');
  });
});
