import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { startWebhookReceiver } from '../fakes/webhook-receiver.ts';
import { root, runtimes } from '../runtimes.ts';

/** `npm start` as a fresh machine runs it: no provider token, the given settings on top. */
function npmStart(settings: NodeJS.ProcessEnv, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, DISCORD_TOKEN: undefined, ...settings };
  delete env.JIMENG_TOKEN;
  if (env.DISCORD_TOKEN === undefined) delete env.DISCORD_TOKEN;
  return spawn(runtimes.node22, [join(root, 'scripts/start.ts'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

it('npm start without a token says it uses the simulator, runs the flow and serves a working curl line', async () => {
  const child = npmStart({ SIMULATOR_DURATION_MS: '1500' });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines: string[] = [];
  let curl: RegExpExecArray | null = null;
  let cli: RegExpExecArray | null = null;
  let watch: string | undefined;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      curl ??= /curl -H 'Authorization: Bearer ([^']+)' (\S+)/.exec(line);
      cli ??= /JIMENG_BASE_URL=(\S+) JIMENG_TOKEN=(\S+) npx jimeng task (\d+)$/.exec(line);
      watch ??= /^ {3}(http:\/\/127\.0\.0\.1:\d+\/v\/\d+\?sig=\S+)$/.exec(line)?.[1];
      if (line.startsWith('Running.')) break;
    }
    expect(lines[0]).toMatch(
      /^No JIMENG_TOKEN set: running against the built-in simulator at http:\/\/127\.0\.0\.1:\d+/,
    );
    const output = lines.join('\n');
    expect(output).toMatch(/in_queue[\s\S]*generating[\s\S]*done/);
    const saved = /saved to (out\/\d+\.mp4)/.exec(output)?.[1];
    expect(saved).toBeTruthy();
    const bytes = await readFile(join(root, saved as string));
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    await rm(join(root, saved as string));

    expect(curl).not.toBeNull();
    const [, key, url] = curl as RegExpExecArray;
    const response = await fetch(url as string, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '14117763723766220057', status: 'done' });

    // The demo video's watch page opens without a key and plays the video.
    expect(watch).toBeDefined();
    const page = await fetch(watch as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<video');

    // The printed CLI line works as printed, against the simulator that is still running.
    expect(cli).not.toBeNull();
    const [, baseURL, token, taskId] = cli as RegExpExecArray;
    const { stdout } = await promisify(execFile)(
      runtimes.node22,
      [join(root, 'src/cli/main.ts'), 'task', taskId as string, '--json'],
      { env: { ...process.env, JIMENG_BASE_URL: baseURL, JIMENG_TOKEN: token } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ id: taskId, status: 'done' });
  } finally {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
  expect(stderr).toBe('');
}, 60_000);

it('npm start with EDGE_API_KEYS and EDGE_WEBHOOK_SECRET set never prints them; its curl line and webhooks work', async () => {
  const secret = 'edge-secret-key-5d1c';
  const keys = { EDGE_API_KEYS: `${secret},edge-secret-key-2` };
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startWebhookReceiver();
  const child = npmStart({
    SIMULATOR_DURATION_MS: '300',
    ...keys,
    EDGE_WEBHOOK_SECRET: webhookSecret,
  });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  try {
    let curl: string | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      output += `${line}\n`;
      if (line.trim().startsWith('curl ')) {
        curl = line.trim();
        break;
      }
    }
    const saved = /saved to (out\/\d+\.mp4)/.exec(output)?.[1];
    if (saved) await rm(join(root, saved));
    expect(output).not.toContain(secret);
    expect(curl).toBeDefined();
    // Pasted into a shell where EDGE_API_KEYS is set, as it was for npm start.
    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl} -s`], {
      env: { ...process.env, ...keys },
    });
    expect(JSON.parse(stdout)).toMatchObject({ id: '14117763723766220057', status: 'done' });
    expect(output).not.toContain(webhookSecret);

    // A receiver on this machine gets the task's end, signed with the configured secret.
    const edgeURL = /(http:\/\/127\.0\.0\.1:\d+)\/task\//.exec(curl as string)?.[1];
    const subscribed = await fetch(`${edgeURL}/task/14117763723766220057/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/hook` }),
    });
    expect(subscribed.status).toBe(201);
    const [delivery] = await receiver.until('/hook', 1, 10_000);
    const event = new Webhook(webhookSecret).verify(
      delivery?.body ?? '',
      delivery?.headers as Record<string, string>,
    );
    expect(event).toMatchObject({ type: 'task.done', data: { id: '14117763723766220057' } });
  } finally {
    child.kill('SIGINT');
    await once(child, 'exit');
    await receiver.close();
  }
}, 60_000);

it('npm start also starts the bot when DISCORD_TOKEN is set, and never prints the token', async () => {
  const discord = await startFakeDiscord();
  const dataDir = await mkdtemp(join(tmpdir(), 'jimeng-start-bot-'));
  try {
    const child = npmStart(
      {
        SIMULATOR_DURATION_MS: '300',
        START_EDGE: '0',
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiURL,
        BOT_DATA_DIR: dataDir,
      },
      ['--once'],
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const [code] = await once(child, 'exit');
    const saved = /saved to (out\/\d+\.mp4)/.exec(output)?.[1];
    if (saved) await rm(join(root, saved));
    expect(output).toMatch(/^No JIMENG_TOKEN set/);
    expect(output).toMatch(/Discord bot: logged in as jimeng-bot/);
    expect(output).not.toContain(discord.token);
    expect(code).toBe(0);
  } finally {
    await discord.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);

it.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)(
  'npm start stopped by %s exits %i, as shells report a signal',
  async (signal, code) => {
    const child = npmStart({ SIMULATOR_DURATION_MS: '300', START_EDGE: '0' });
    let output = '';
    child.stderr.on('data', (d) => (output += d));
    for await (const line of createInterface({ input: child.stdout })) {
      output += `${line}\n`;
      if (line.includes('Press Ctrl-C to stop')) break;
    }
    const saved = /saved to (out\/\d+\.mp4)/.exec(output)?.[1];
    if (saved) await rm(join(root, saved));
    const exited = once(child, 'exit');
    child.kill(signal);
    const [exitCode] = await exited;
    expect(exitCode).toBe(code);
  },
  60_000,
);

it('npm start whose reader stops early (| head -1) stops quietly, not with an EPIPE trace', async () => {
  const child = npmStart({ SIMULATOR_DURATION_MS: '300', START_EDGE: '0' });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit');
  for await (const line of createInterface({ input: child.stdout })) {
    expect(line).toMatch(/^No JIMENG_TOKEN set/);
    break;
  }
  child.stdout.destroy(); // the reader is gone: every later line meets a closed pipe
  const [code] = await exited;
  expect(stderr).not.toMatch(/EPIPE|node:events/);
  expect(code).toBe(0);
}, 60_000);

/** Resolves with the child's exit code, or fails the test when it does not exit in time. */
async function exitOf(child: ReturnType<typeof npmStart>, ms = 20_000): Promise<number | null> {
  try {
    const [code] = await once(child, 'exit', { signal: AbortSignal.timeout(ms) });
    return code;
  } finally {
    child.kill('SIGKILL'); // a no-op once it has exited
  }
}

/** What a TCP connection to 127.0.0.1:port reads before the other side ends it. */
async function readFrom(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += d));
  await once(socket, 'end');
  return text;
}

it('npm start with EDGE_PORT taken says so in one line, stops what it started and exits 1', async () => {
  const holder = createServer((socket) => socket.end('held'));
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const child = npmStart({ SIMULATOR_DURATION_MS: '300', EDGE_PORT: String(port) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await exitOf(child);
    const saved = /saved to (out\/\d+\.mp4)/.exec(stdout)?.[1];
    if (saved) await rm(join(root, saved));
    expect(stderr).toBe(
      `npm start: port ${port} is in use: stop whatever holds it or set EDGE_PORT to a free port.\n`,
    );
    expect(stdout).not.toMatch(/workerd@|kj::|^\s+at /m);
    expect(code).toBe(1);
    // The port is still ours: npm start only reported it.
    expect(await readFrom(port)).toBe('held');
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}, 30_000);

it.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)(
  'npm start with the edge running, stopped by %s, closes the edge and the simulator, then exits %i',
  async (signal, code) => {
    const child = npmStart({ SIMULATOR_DURATION_MS: '300' });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines: string[] = [];
    const exited = exitOf(child);
    const reader = createInterface({ input: child.stdout });
    const ended = once(reader, 'close');
    reader.on('line', (line) => {
      lines.push(line);
      if (line.includes('Press Ctrl-C to stop')) child.kill(signal);
    });
    await ended;
    const exitCode = await exited;
    const output = lines.join('\n');
    const saved = /saved to (out\/\d+\.mp4)/.exec(output)?.[1];
    if (saved) await rm(join(root, saved));
    const simulator = /built-in simulator at (http:\/\/\S+) /.exec(output)?.[1];
    const edge = /Edge endpoint \(Hono in workerd\) at (http:\/\/\S+);/.exec(output)?.[1];
    expect(simulator).toBeDefined();
    expect(edge).toBeDefined();
    // Printed by npm start's own shutdown, after each close has finished.
    expect(lines.at(-1)).toBe(`Stopped (${signal}): closed the edge endpoint and the simulator.`);
    expect(stderr).toBe('');
    expect(exitCode).toBe(code);
    await expect(fetch(edge as string)).rejects.toThrow();
    await expect(fetch(simulator as string)).rejects.toThrow();
  },
  30_000,
);
