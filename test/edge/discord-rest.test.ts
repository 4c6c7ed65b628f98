import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDiscordError } from '../../edge/discord/discord-errors.ts';
import { createDiscordRest } from '../../edge/discord/discord-rest.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';

let discord: FakeDiscord;
let silent: Server;
let silentURL: string;

beforeAll(async () => {
  discord = await startFakeDiscord();
  // Takes the request and never answers: a Discord call must not hang an alarm with it.
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentURL = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/v10`;
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
  await discord.close();
});

const rest = (overrides: Partial<Parameters<typeof createDiscordRest>[0]> = {}) =>
  createDiscordRest({ apiURL: `${discord.apiURL}/v10`, botToken: discord.token, ...overrides });
const channelPost = {
  method: 'POST',
  path: '',
  what: 'posting in the channel',
  body: { content: 'hi' },
  auth: 'bot',
} as const;

describe('the Worker’s Discord REST calls', () => {
  it('send the bot token only where asked, and parse the answer', async () => {
    const message = await rest().request<{ id: string; content: string }>({
      ...channelPost,
      path: `/channels/${discord.channelId}/messages`,
    });
    expect(message.content).toBe('hi');
  });

  it('time out a call Discord never answers, within the budget', async () => {
    const started = Date.now();
    const error = await rest({ apiURL: silentURL, timeoutMs: 150 })
      .request({ ...channelPost, path: '/channels/1/messages' })
      .catch((e: unknown) => e);
    expect(isDiscordError(error) && error.code).toBe('discord_timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((error as Error).message).toBe(
      'Discord did not answer within 150 ms while posting in the channel.',
    );
  });

  it('give up on a 429 that asks for longer than they may wait, with its retry_after', async () => {
    discord.failNext(
      { method: 'POST', path: /\/messages$/ },
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 120, global: false },
      },
    );
    const error = await rest({ maxRetryAfterMs: 1_000 })
      .request({ ...channelPost, path: `/channels/${discord.channelId}/messages` })
      .catch((e: unknown) => e);
    expect(isDiscordError(error) && error.code).toBe('discord_rate_limited');
    expect(isDiscordError(error) && error.retryAfterMs).toBe(120_000);
  });

  it('say what Discord refused without the URL, whose path holds interaction tokens', async () => {
    const token = 'interaction-token-secret-123';
    const error = await rest()
      .request({
        method: 'PATCH',
        path: `/webhooks/${discord.applicationId}/${token}/messages/@original`,
        what: 'editing the reply',
        body: { content: 'x' },
        auth: 'none',
      })
      .catch((e: unknown) => e);
    expect(isDiscordError(error) && error.discordCode).toBe(50027);
    expect(String((error as Error).message)).toBe(
      'Discord answered HTTP 401 50027: Invalid Webhook Token while editing the reply.',
    );
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it('a refused bot token is named, never shown', async () => {
    const error = await rest({ botToken: 'wrong-bot-token-456' })
      .request({ ...channelPost, path: `/channels/${discord.channelId}/messages` })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('it refused DISCORD_TOKEN');
    expect((error as Error).message).not.toContain('wrong-bot-token-456');
  });
});
