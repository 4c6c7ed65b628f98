import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FakeDiscord } from '../fakes/discord/index.ts';

const run = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');

/**
 * `bot/register.ts` (what `npm run bot:register` runs) against a fake Discord, with `env` on top
 * and `args` after it; its exit code and output, never a throw.
 */
export async function runRegister(
  discord: FakeDiscord,
  { env = {}, args = [] }: { env?: Record<string, string>; args?: string[] } = {},
) {
  const base = {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiURL,
  };
  try {
    const { stdout, stderr } = await run(NODE, ['bot/register.ts', ...args], {
      env: { ...base, ...env },
    });
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
