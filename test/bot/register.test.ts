import { afterEach, describe, expect, it } from 'vitest';
import { textAspectRatios } from '../../src/index.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { runRegister } from './run-register.ts';

let discord: FakeDiscord;
afterEach(async () => {
  await discord?.close();
});

const register = (env: Record<string, string> = {}) => runRegister(discord, { env });

interface Option {
  name: string;
  type: number;
  max_length?: number;
  choices?: { value: string }[];
  options?: Option[];
}

describe('npm run bot:register', () => {
  it('registers /jimeng in one guild with its limits in the definition', async () => {
    discord = await startFakeDiscord();
    const { code, stdout } = await register({ DISCORD_GUILD_ID: discord.guildId });
    expect(code).toBe(0);
    expect(stdout).toContain(`in guild ${discord.guildId}`);
    const put = discord.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(
      `/applications/${discord.applicationId}/guilds/${discord.guildId}/commands`,
    );
    const [jimeng] = (put?.body ?? []) as { name: string; options: Option[] }[];
    expect(jimeng?.name).toBe('jimeng');
    const create = jimeng?.options.find((o) => o.name === 'create');
    const prompt = create?.options?.find((o) => o.name === 'prompt');
    expect(prompt?.max_length).toBe(150);
    const ratios = create?.options
      ?.find((o) => o.name === 'aspect_ratio')
      ?.choices?.map((c) => c.value);
    expect(ratios).toEqual(expect.arrayContaining([...textAspectRatios]));
    expect(create?.options?.find((o) => o.name === 'image')?.type).toBe(11);
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    discord = await startFakeDiscord();
    expect((await register()).code).toBe(0);
    const put = discord.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(`/applications/${discord.applicationId}/commands`);
  });

  it('a guild the bot was not invited to is one line saying how to invite it', async () => {
    discord = await startFakeDiscord();
    const failed = await register({ DISCORD_GUILD_ID: '1100000000000000999' });
    expect(failed.code).toBe(1);
    const { stderr } = failed;
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('1100000000000000999');
    expect(stderr).toContain('applications.commands');
  });

  it('a DISCORD_GUILD_ID that is not a server id is refused before calling Discord', async () => {
    discord = await startFakeDiscord();
    const failed = await register({ DISCORD_GUILD_ID: 'My Server' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('DISCORD_GUILD_ID');
    expect(discord.requests).toHaveLength(0);
  });

  it('a token pasted with "Bot " in front is named before calling Discord', async () => {
    discord = await startFakeDiscord();
    const failed = await register({ DISCORD_TOKEN: `Bot ${discord.token}` });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('without that prefix');
    expect(discord.requests).toHaveLength(0);
  });
});
