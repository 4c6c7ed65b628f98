import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { jimengCommand } from '../../bot/commands/jimeng-command.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { useDiscordEdge } from './discord-harness.ts';

const run = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const h = useDiscordEdge();

let other: FakeDiscord | undefined;
afterEach(async () => {
  await other?.close();
  other = undefined;
});

/** `bot/register.ts` with these arguments against a fake Discord; its exit code, never a throw. */
async function register(discord: FakeDiscord, args: string[]) {
  const env = {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiURL,
  };
  try {
    const { stdout, stderr } = await run(NODE, ['bot/register.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const {
      code,
      stdout = '',
      stderr = '',
    } = error as { code: number; stdout?: string; stderr?: string };
    return { code, stdout, stderr };
  }
}

describe('npm run bot:register -- --interactions-url', () => {
  it('registers the one definition both bots use, then sets the Worker as the endpoint once Discord has checked it', async () => {
    const result = await register(h.discord, ['--interactions-url', h.endpoint]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Interactions Endpoint URL set to ${h.endpoint}`);
    const put = h.discord.requests.find((r) => r.method === 'PUT');
    expect(put?.body).toEqual([jimengCommand]);
    expect(h.discord.interactionsEndpointURL()).toBe(h.endpoint);
    // What Discord then sends the Worker is answered.
    expect((await h.discord.ping()).body).toEqual({ type: 1 });
  });

  it('a Worker holding another application’s public key is not saved, and the line says what to fix', async () => {
    other = await startFakeDiscord();
    const result = await register(other, ['--interactions-url', h.endpoint]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Discord could not verify ${h.endpoint}`);
    expect(result.stderr).toContain('DISCORD_PUBLIC_KEY');
    expect(other.interactionsEndpointURL()).toBeUndefined();
  });

  it('a URL that is not http(s) is refused before anything is sent', async () => {
    other = await startFakeDiscord();
    const result = await register(other, ['--interactions-url', 'example.com/discord']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--interactions-url must be');
    expect(other.requests).toHaveLength(0);
  });
});
