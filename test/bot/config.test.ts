import { describe, expect, it } from 'vitest';
import { readBotConfig, readRegisterConfig } from '../../bot/config.ts';

const base = { DISCORD_TOKEN: 'd', JIMENG_TOKEN: 'j' };

describe('bot configuration from the environment', () => {
  it('names the missing setting in one sentence', () => {
    expect(readBotConfig({ JIMENG_TOKEN: 'j' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^DISCORD_TOKEN is not set/),
    });
    expect(readBotConfig({ DISCORD_TOKEN: 'd' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^JIMENG_TOKEN is not set/),
    });
  });

  it('refuses numbers that are not positive integers', () => {
    expect(readBotConfig({ ...base, BOT_MAX_IN_FLIGHT: '0' })).toMatchObject({
      ok: false,
      problem: 'BOT_MAX_IN_FLIGHT must be a positive integer, got "0".',
    });
  });

  it('refuses a poll interval the core would refuse, at start rather than on every job', () => {
    expect(readBotConfig({ ...base, BOT_POLL_INTERVAL_MS: '50' })).toMatchObject({
      ok: false,
      problem: 'BOT_POLL_INTERVAL_MS must be at least 100 ms, got 50.',
    });
    expect(readBotConfig({ ...base, BOT_POLL_INTERVAL_MS: '100' })).toMatchObject({
      ok: true,
      options: { pollIntervalMs: 100 },
    });
  });

  it('refuses a URL that is not http(s), naming the variable but not echoing the value', () => {
    for (const name of ['JIMENG_BASE_URL', 'DISCORD_API_URL', 'EDGE_PUBLIC_URL']) {
      const result = readBotConfig({ ...base, [name]: 'sk-a-key-in-the-wrong-place' });
      expect(result).toMatchObject({
        ok: false,
        problem: expect.stringMatching(new RegExp(`^${name} must be an http:// or https:// URL`)),
      });
      expect(JSON.stringify(result)).not.toContain('sk-a-key');
    }
    expect(readBotConfig({ ...base, JIMENG_BASE_URL: 'http://127.0.0.1:8787' })).toMatchObject({
      ok: true,
    });
  });

  it('refuses a URL the core client would refuse, such as http:example.com, before anything connects', () => {
    for (const name of ['JIMENG_BASE_URL', 'DISCORD_API_URL', 'EDGE_PUBLIC_URL']) {
      for (const url of ['http:example.com', 'https:/example.com', 'ftp://example.com']) {
        expect(readBotConfig({ ...base, [name]: url })).toMatchObject({
          ok: false,
          problem: expect.stringMatching(new RegExp(`^${name} must be an http:// or https:// URL`)),
        });
      }
    }
  });

  it('refuses a duration longer than a timer can wait, which would fire at once', () => {
    expect(readBotConfig({ ...base, BOT_FOLLOW_TIMEOUT_MS: '9999999999' })).toMatchObject({
      ok: false,
      problem: 'BOT_FOLLOW_TIMEOUT_MS must be at most 2147483647 ms (24 days), got 9999999999.',
    });
    expect(readBotConfig({ ...base, BOT_FOLLOW_TIMEOUT_MS: '86400000' })).toMatchObject({
      ok: true,
      options: { followTimeoutMs: 86_400_000 },
    });
  });

  it('a token pasted with its header prefix is named, not sent and refused as wrong', () => {
    const discord = readBotConfig({ ...base, DISCORD_TOKEN: 'Bot MTIz.secret-part' });
    expect(discord).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^DISCORD_TOKEN starts with "Bot ": set the token alone/),
    });
    const jimeng = readBotConfig({ ...base, JIMENG_TOKEN: 'Bearer sk-secret-part' });
    expect(jimeng).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^JIMENG_TOKEN starts with "Bearer ": set the API key alone/),
    });
    expect(JSON.stringify([discord, jimeng])).not.toContain('secret-part');
  });

  it('a token fetch could not send in a header (a curly quote, a line break) is named', () => {
    const discord = readBotConfig({ ...base, DISCORD_TOKEN: 'MTIz\nsecret-part' });
    expect(discord).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^DISCORD_TOKEN contains a line break/),
    });
    const jimeng = readBotConfig({ ...base, JIMENG_TOKEN: '“sk-secret-part”' });
    expect(jimeng).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^JIMENG_TOKEN contains .* curly quote/),
    });
    expect(JSON.stringify([discord, jimeng])).not.toContain('secret-part');
  });

  it('bot:register reads DISCORD_TOKEN under the same rules as the bot', () => {
    for (const token of [undefined, 'Bot MTIz', 'MTIz\nx']) {
      const bot = readBotConfig({ ...base, DISCORD_TOKEN: token });
      expect(bot.ok).toBe(false);
      expect(readRegisterConfig({ DISCORD_TOKEN: token })).toEqual(bot);
    }
    expect(readRegisterConfig({ DISCORD_TOKEN: 'd', DISCORD_GUILD_ID: '123' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^DISCORD_GUILD_ID must be a server id/),
    });
    expect(readRegisterConfig({ DISCORD_TOKEN: ' d ' })).toEqual({
      ok: true,
      discordToken: 'd',
      discordApiURL: undefined,
      guildId: undefined,
    });
  });
});
