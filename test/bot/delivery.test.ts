import { afterEach, describe, expect, it } from 'vitest';
import { acceleratedClock } from '../../src/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { PermissionBits } from '../fakes/discord/index.ts';
import {
  contentOf,
  type Harness,
  isChannelPost,
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

describe('delivery', () => {
  it('a video over the guild upload limit becomes a link with its expiry, never an upload', async () => {
    h = await startHarness({ bot: { edgePublicURL: 'https://edge.example/' } });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'result',
      options: [{ name: 'task_id', type: 3, value: taskId }],
      attachmentSizeLimit: 1024,
    });
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('upload limit'),
    );
    const text = contentOf(final);
    expect(text).toContain(taskId);
    expect(text).toMatch(providerLink(h.served.url));
    expect(text).toMatch(/<t:\d+:R>/);
    expect(text).toContain(`https://edge.example/task/${taskId}/video`);
    await h.bot.runner.idle();
    expect(h.discord.requests.some((r) => r.files.length > 0)).toBe(false);
  });

  it('a job outliving the 15-minute token is delivered by a channel message mentioning the user', async () => {
    // 1 real ms = 1 simulated second: a 20-minute task takes 1.2 s.
    const clock = acceleratedClock(1000);
    h = await startHarness({
      clock,
      durationMs: 20 * 60_000,
      // Per-request budgets are simulated time too: give loopback requests room.
      jimeng: { timeoutMs: 600_000 },
      bot: {
        pollIntervalMs: 10_000,
        maxPollIntervalMs: 60_000,
        progressIntervalMs: 30_000,
      },
    });
    const taskId = h.sim.addTask({ seed: 7 });
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'result',
      options: [{ name: 'task_id', type: 3, value: taskId }],
      userId: '1200000000000000077',
    });
    const post = await h.discord.waitFor(isChannelPost(h.discord.channelId), 10_000);
    expect(post.files.map((f) => f.name)).toEqual([`${taskId}.mp4`]);
    expect(Buffer.from(post.files[0]?.bytes ?? []).equals(Buffer.from(sampleVideo()))).toBe(true);
    expect(contentOf(post)).toMatch(/^<@1200000000000000077> /);
    expect((post.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({
      users: ['1200000000000000077'],
    });
    // Progress was shown through the interaction while its token lived, never after.
    const edits = h.discord.requests.filter(isOriginalEdit);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((r) => r.files.length === 0)).toBe(true);
    expect(edits.every((r) => r.status === 200)).toBe(true);
  });

  it('a job resumed after a restart, its token expired meanwhile, is delivered in the channel', async () => {
    const clock = acceleratedClock(1000);
    h = await startHarness({
      clock,
      durationMs: 20 * 60_000,
      jimeng: { timeoutMs: 600_000 },
      bot: { pollIntervalMs: 10_000, maxPollIntervalMs: 60_000, progressIntervalMs: 30_000 },
    });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    await h.bot.stop();
    // Down for "16 minutes": the token is past its 15.
    await new Promise((r) => setTimeout(r, 960));
    await h.startBot();
    const post = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`), 10_000);
    expect(post.path).toBe(`/channels/${h.discord.channelId}/messages`);
    expect(h.logs.some((l) => l.includes('event=job_resumed'))).toBe(true);
  });

  it('a token Discord refuses early (50027) takes the channel path and the video still arrives', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const { token } = await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    h.discord.expireInteractionToken(token);
    const post = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(post.path).toBe(`/channels/${h.discord.channelId}/messages`);
    await h.bot.runner.idle();
    expect(h.logs.some((l) => l.includes('event=interaction_token_refused'))).toBe(true);
  });

  it('a reply someone deleted (10008) does not lose the video: it goes to the channel', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const { token } = await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    // A moderator (or the user) deletes the bot's "thinking…" reply.
    const original = `${h.discord.apiURL}/v10/webhooks/${h.discord.applicationId}/${token}/messages/@original`;
    expect((await fetch(original, { method: 'DELETE' })).status).toBe(204);
    const post = await h.discord.waitFor(
      (r) => uploadNamed(`${taskId}.mp4`)(r) && isChannelPost(h.discord.channelId)(r),
      5_000,
    );
    expect(post.status).toBe(200);
  });

  it('without Send Messages in the channel, a late delivery is logged as blocked and the user was warned', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const perms = PermissionBits.ViewChannel;
    const { token } = await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'result',
      options: [{ name: 'task_id', type: 3, value: taskId }],
      appPermissions: perms.toString(),
    });
    const warned = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('Attach Files'),
    );
    expect(contentOf(warned)).toContain(taskId);
    h.discord.expireInteractionToken(token);
    await h.bot.runner.idle();
    const blocked = h.logs.find((l) => l.includes('event=delivery_blocked'));
    expect(blocked).toContain(`taskId=${taskId}`);
    expect(blocked).toContain('Attach Files');
    expect(h.discord.requests.some((r) => r.path.startsWith('/channels/'))).toBe(false);
  });

  it('a done task whose video download stalls is told as done, with its link, not as unfinished', async () => {
    // 1 real ms = 1 simulated second: the 5-minute download budget runs out in 0.3 s.
    const clock = acceleratedClock(1000);
    h = await startHarness({
      clock,
      durationMs: 30_000,
      jimeng: { timeoutMs: 600_000 },
      bot: { pollIntervalMs: 10_000, maxPollIntervalMs: 60_000, progressIntervalMs: 30_000 },
    });
    h.sim.fault({ route: 'video', kind: 'hang' });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('could not fetch its video'),
      10_000,
    );
    const text = contentOf(final);
    expect(text).toContain(taskId);
    expect(text).toContain('the download timed out');
    expect(text).toContain(`try again in a few minutes with \`/jimeng result task_id:${taskId}\``);
    expect(text).toMatch(providerLink(h.served.url));
    expect(text).not.toContain('not finished');
    await h.bot.runner.idle();
    expect(h.logs.some((l) => l.includes('event=video_download_failed'))).toBe(true);
  });

  it('without Attach Files, a late delivery posts the link in the channel instead of nothing', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const perms = PermissionBits.ViewChannel | PermissionBits.SendMessages;
    const { token } = await h.discord.sendInteraction({
      ...resultCommand(taskId),
      userId: '1200000000000000051',
      appPermissions: perms.toString(),
    });
    const warned = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('Attach Files'),
    );
    expect(contentOf(warned)).toContain('link');
    h.discord.expireInteractionToken(token);
    const post = await h.discord.waitFor(isChannelPost(h.discord.channelId));
    expect(post.status).toBe(200);
    expect(post.files).toHaveLength(0);
    const text = contentOf(post);
    expect(text).toMatch(/^<@1200000000000000051> /);
    expect(text).toContain(taskId);
    expect(text).toContain('Attach Files');
    expect(text).toMatch(providerLink(h.served.url));
    await h.bot.runner.idle();
    expect(h.logs.some((l) => l.includes('event=delivery_blocked'))).toBe(false);
  });
});
