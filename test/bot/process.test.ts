import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { botProcessEnv } from './bot-process-env.ts';
import { isOriginalEdit, resultCommand, uploadNamed } from './harness.ts';

// Node 22 strips TypeScript types itself: the bot runs as it would in production.
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const BUN = join(process.cwd(), 'node_modules/.bin/bun');

let discord: FakeDiscord;
let sim: Simulator;
let served: ServedSimulator;
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  discord = await startFakeDiscord();
  sim = createSimulator({ durationMs: 3_000 });
  served = await serveSimulator(sim);
  dataDir = await mkdtemp(join(tmpdir(), 'jimeng-bot-proc-'));
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await discord.close();
  await served.close();
  await rm(dataDir, { recursive: true, force: true });
});

function startBotProcess(env: Record<string, string> = {}, runtime = NODE) {
  const child = spawn(runtime, ['bot/main.ts'], {
    env: botProcessEnv(
      { discord, simulatorURL: served.url, dataDir },
      {
        BOT_POLL_INTERVAL_MS: '100',
        BOT_MAX_POLL_INTERVAL_MS: '200',
        BOT_PROGRESS_INTERVAL_MS: '200',
        ...env,
      },
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output, exited };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the bot process', () => {
  it('killed with SIGKILL mid-job and started again, delivers exactly once', async () => {
    const first = startBotProcess();
    await discord.ready(15_000);
    const taskId = sim.addTask();
    await discord.sendInteraction(resultCommand(taskId));
    await discord.waitFor(isOriginalEdit, 10_000);
    expect(await readdir(join(dataDir, 'jobs'))).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;
    discord.disconnectClients();
    expect(discord.requests.some(uploadNamed(`${taskId}.mp4`))).toBe(false);

    const second = startBotProcess();
    await discord.waitFor(uploadNamed(`${taskId}.mp4`), 15_000);
    await until(async () => (await readdir(join(dataDir, 'jobs'))).length === 0);
    expect(second.output.stdout).toContain('event=job_resumed');
    expect(second.output.stdout).not.toContain(discord.token);
    second.child.kill('SIGTERM');
    const started = Date.now();
    expect(await second.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(1);
  });

  it('a job stored by the Node process is resumed and delivered by a Bun process', async () => {
    const first = startBotProcess();
    await discord.ready(15_000);
    const taskId = sim.addTask();
    await discord.sendInteraction(resultCommand(taskId));
    await discord.waitFor(isOriginalEdit, 10_000);
    first.child.kill('SIGKILL');
    await first.exited;
    discord.disconnectClients();
    const second = startBotProcess({}, BUN);
    await discord.waitFor(uploadNamed(`${taskId}.mp4`), 15_000);
    await until(async () => (await readdir(join(dataDir, 'jobs'))).length === 0);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(1);
  });

  it('SIGTERM mid-job stops within seconds and keeps the job for the next start', async () => {
    const bot = startBotProcess();
    await discord.ready(15_000);
    const taskId = sim.addTask({ durationMs: 60_000 });
    await discord.sendInteraction(resultCommand(taskId));
    await discord.waitFor(isOriginalEdit, 10_000);
    bot.child.kill('SIGTERM');
    const started = Date.now();
    expect(await bot.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readdir(join(dataDir, 'jobs'))).toHaveLength(1);
  });

  it('a missing DISCORD_TOKEN is one clear line and exit code 1', async () => {
    const bot = startBotProcess({ DISCORD_TOKEN: '' });
    expect(await bot.exited).toBe(1);
    expect(bot.output.stderr.trim().split('\n')).toHaveLength(1);
    expect(bot.output.stderr).toContain('DISCORD_TOKEN is not set');
  });

  it('a token Discord refuses is one clear line and exit code 1', async () => {
    const bot = startBotProcess({ DISCORD_TOKEN: 'wrong-token' });
    expect(await bot.exited).toBe(1);
    expect(bot.output.stderr.trim().split('\n')).toHaveLength(1);
    expect(bot.output.stderr).toContain('Discord refused DISCORD_TOKEN');
    expect(bot.output.stderr).not.toContain('wrong-token');
  });

  it('a provider key the provider refuses is one clear line and exit code 1', async () => {
    const bot = startBotProcess({ JIMENG_TOKEN: 'not-the-key' });
    expect(await bot.exited).toBe(1);
    expect(bot.output.stderr.trim().split('\n')).toHaveLength(1);
    expect(bot.output.stderr).toContain('refused JIMENG_TOKEN');
    expect(existsSync(join(dataDir, 'jobs'))).toBe(false);
  });

  it('a BOT_DATA_DIR it cannot use is one clear line and exit code 1, not a stack trace', async () => {
    const notADir = join(dataDir, 'a-file');
    await writeFile(notADir, '');
    const bot = startBotProcess({ BOT_DATA_DIR: notADir });
    expect(await bot.exited).toBe(1);
    expect(bot.output.stderr.trim().split('\n')).toHaveLength(1);
    expect(bot.output.stderr).toContain('BOT_DATA_DIR');
    expect(bot.output.stderr).toContain('ENOTDIR');
  });

  // http:example.com parses as a URL, but not as one the core client takes (defect 9).
  it.each(['api.gpt.ge', 'http:example.com'])(
    'a malformed JIMENG_BASE_URL (%s) is blamed on that variable, not on Discord, before anything connects',
    async (url) => {
      const bot = startBotProcess({ JIMENG_BASE_URL: url });
      expect(await bot.exited).toBe(1);
      expect(bot.output.stderr.trim().split('\n')).toHaveLength(1);
      expect(bot.output.stderr).toContain('JIMENG_BASE_URL must be an http:// or https:// URL');
      expect(bot.output.stderr).not.toContain('Discord');
      expect(discord.requests).toHaveLength(0);
    },
  );
});
