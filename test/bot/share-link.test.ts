import { afterEach, describe, expect, it } from 'vitest';
import { readBotConfig } from '../../bot/config.ts';
import type { Bot } from '../../bot/index.ts';
import { type RunningEdge, startEdge } from '../../edge/dev.ts';
import { PermissionBits, type RecordedRequest } from '../fakes/discord/index.ts';
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

const EDGE_KEY = 'edge-caller-key-3b8e51';
const SHARE_SECRET = 'share-secret-for-the-bot-tests-9d2f4a7c1e';

/** What the test started, closed after it. */
let harness: Harness | undefined;
let edge: RunningEdge | undefined;
afterEach(async () => {
  await edge?.close();
  await harness?.close();
  edge = undefined;
  harness = undefined;
});

/**
 * The fake Discord and the simulator, the real edge in workerd in front of that simulator,
 * and the bot started with EDGE_PUBLIC_URL and EDGE_API_KEY pointing at the edge.
 */
async function botWithEdge(
  edgeVars: Record<string, string> = { EDGE_SHARE_SECRET: SHARE_SECRET },
  key = EDGE_KEY,
): Promise<{ h: Harness; bot: Bot }> {
  const h = await startHarness({ durationMs: 300 });
  harness = h;
  edge = await startEdge({
    baseURL: h.served.url,
    token: 'sim-token',
    apiKeys: EDGE_KEY,
    vars: { EDGE_POLL_INTERVAL_MS: '100', ...edgeVars },
  });
  // The harness's first bot knows no edge: this one does.
  await h.bot.stop();
  return { h, bot: await h.startBot({ edgePublicURL: `${edge.url}/`, edgeApiKey: key }) };
}

/** The link buttons of a request's message, as Discord receives them. */
function buttonsOf(request: RecordedRequest) {
  const rows = (request.body as { components?: unknown }).components as
    | Array<{ type: number; components: Array<Record<string, unknown>> }>
    | undefined;
  return (rows ?? []).flatMap((row) => {
    expect(row.type).toBe(1); // an action row
    return row.components;
  });
}

function expectWatchButton(request: RecordedRequest, taskId: string): string {
  const buttons = buttonsOf(request);
  expect(buttons).toHaveLength(1);
  const [button] = buttons;
  // A link button: type 2, style 5, a label and a URL, no custom_id (Discord refuses one).
  expect(button).toEqual({
    type: 2,
    style: 5,
    label: 'Watch and share',
    url: expect.stringMatching(new RegExp(`^${edge?.url}/v/${taskId}\\?sig=[\\w-]{43}$`)),
  });
  return button?.url as string;
}

describe('the gateway bot and the edge’s watch page', () => {
  it('a posted video carries a "Watch and share" link button to its watch page, which plays it', async () => {
    const { h, bot } = await botWithEdge();
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const final = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(isOriginalEdit(final)).toBe(true);
    const url = expectWatchButton(final, taskId);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<video controls="" playsinline=""`);
    await bot.runner.idle();
    expect(h.logs.join('\n')).not.toContain(EDGE_KEY);
    expect(h.logs.some((l) => l.includes('event=share_link_failed'))).toBe(false);
  });

  it('a video over the upload limit is posted as its share link, not as the provider’s dying one', async () => {
    const { h } = await botWithEdge();
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction({ ...resultCommand(taskId), attachmentSizeLimit: 1024 });
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('upload limit'),
    );
    const url = expectWatchButton(final, taskId);
    const text = contentOf(final);
    expect(text).toContain(`Watch and share it here (the link keeps working): ${url}`);
    expect(text).not.toMatch(providerLink(h.served.url));
    expect(text).not.toContain('/task/');
    expect(final.files).toHaveLength(0);
  });

  it('without Attach Files, a late delivery posts the share link and its button in the channel', async () => {
    const { h, bot } = await botWithEdge();
    const taskId = h.sim.addTask({ durationMs: 600 });
    const perms = PermissionBits.ViewChannel | PermissionBits.SendMessages;
    const { token } = await h.discord.sendInteraction({
      ...resultCommand(taskId),
      appPermissions: perms.toString(),
    });
    await h.discord.waitFor((r) => isOriginalEdit(r) && contentOf(r).includes('Attach Files'));
    h.discord.expireInteractionToken(token);
    const post = await h.discord.waitFor(isChannelPost(h.discord.channelId));
    expect(post.status).toBe(200);
    expect(post.files).toHaveLength(0);
    const url = expectWatchButton(post, taskId);
    expect(contentOf(post)).toContain(url);
    expect(contentOf(post)).not.toMatch(providerLink(h.served.url));
    await bot.runner.idle();
  });

  it.each([
    ['no EDGE_SHARE_SECRET on the edge', {}, EDGE_KEY, 'not_configured'],
    [
      'a key the edge refuses',
      { EDGE_SHARE_SECRET: SHARE_SECRET },
      'not-the-key',
      'caller_unauthorized',
    ],
  ])('%s costs a log line, never the video', async (_, vars, key, code) => {
    const { h, bot } = await botWithEdge(vars, key);
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const final = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(buttonsOf(final)).toEqual([]);
    await bot.runner.idle();
    const failed = h.logs.find((l) => l.includes('event=share_link_failed'));
    expect(failed).toContain(`taskId=${taskId}`);
    expect(failed).toContain(`code=${code}`);
    expect(h.logs.join('\n')).not.toContain(key);
  });

  it('without EDGE_API_KEY the bot asks no edge for a link', async () => {
    // Nothing listens there: asking would log a failure.
    const h = await startHarness({
      durationMs: 300,
      bot: { edgePublicURL: 'http://127.0.0.1:9/' },
    });
    harness = h;
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const final = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(buttonsOf(final)).toEqual([]);
    await h.bot.runner.idle();
    expect(h.logs.some((l) => l.includes('event=share_link_failed'))).toBe(false);
  });

  it('EDGE_API_KEY is read like the other keys: set alone, without "Bearer "', () => {
    const env = { DISCORD_TOKEN: 'discord-token', JIMENG_TOKEN: 'jimeng-token' };
    const read = readBotConfig({ ...env, EDGE_API_KEY: ' k-1 ' });
    expect(read.ok && read.options.edgeApiKey).toBe('k-1');
    const unset = readBotConfig(env);
    expect(unset.ok && unset.options.edgeApiKey).toBeUndefined();
    const prefixed = readBotConfig({ ...env, EDGE_API_KEY: 'Bearer k-1' });
    expect(prefixed.ok).toBe(false);
    expect(!prefixed.ok && prefixed.problem).toMatch(/^EDGE_API_KEY starts with "Bearer "/);
    expect(!prefixed.ok && prefixed.problem).not.toContain('k-1');
  });
});
