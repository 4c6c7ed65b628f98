import { afterEach, describe, expect, it } from 'vitest';
import { jimengCommand } from '../../bot/commands/jimeng-command.ts';
import { runRegister } from '../bot/run-register.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { useDiscordEdge } from './discord-harness.ts';

const h = useDiscordEdge();
const mismatched = useDiscordEdge({
  edge: { vars: { DISCORD_APPLICATION_ID: '1100000000000000999' } },
});

let other: FakeDiscord | undefined;
afterEach(async () => {
  await other?.close();
  other = undefined;
});

const register = (discord: FakeDiscord, args: string[]) => runRegister(discord, { args });

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

  it('a Worker whose DISCORD_APPLICATION_ID is another application’s is not saved either, and the line names it', async () => {
    const result = await register(mismatched.discord, ['--interactions-url', mismatched.endpoint]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Discord could not verify ${mismatched.endpoint}`);
    expect(result.stderr).toContain('DISCORD_APPLICATION_ID');
    expect(mismatched.discord.interactionsEndpointURL()).toBeUndefined();
  });

  it('a URL that is not http(s) is refused before anything is sent', async () => {
    other = await startFakeDiscord();
    const result = await register(other, ['--interactions-url', 'example.com/discord']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--interactions-url must be');
    expect(other.requests).toHaveLength(0);
  });
});
