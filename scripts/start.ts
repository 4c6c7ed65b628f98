// npm start: the whole product on this machine. Without JIMENG_TOKEN it runs against the
// built-in simulator (and says so first), creates a video, follows it, saves it, then serves
// the edge endpoint locally, and the Discord bot too when DISCORD_TOKEN is set.
// `npm start -- --once` stops after the demo, for scripts and tests.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import process from 'node:process';
import { createClient, DEFAULT_BASE_URL, isJimengError } from '../src/index.ts';
import { createSimulator, SIMULATOR_TOKEN } from '../src/simulator/index.ts';
import { serveSimulator } from '../src/simulator/serve.ts';

const once = process.argv.includes('--once');
const root = join(import.meta.dirname, '..');
/** What is running, named for the goodbye line, closed last-started first. */
const closers: Array<{ name: string; close: () => Promise<unknown> | unknown }> = [];
const say = (line: string) => process.stdout.write(`${line}\n`);

/** A failure its message says all about: one line on stderr, no stack. */
class StartError extends Error {}

async function main() {
  let token = process.env.JIMENG_TOKEN?.trim() || undefined;
  let baseURL = process.env.JIMENG_BASE_URL?.trim() || DEFAULT_BASE_URL;
  const simulated = !token;
  if (simulated) {
    const server = await serveSimulator(
      createSimulator({ durationMs: Number(process.env.SIMULATOR_DURATION_MS) || 6_000 }),
    );
    closers.push({ name: 'the simulator', close: () => server.close() });
    token = SIMULATOR_TOKEN;
    baseURL = server.url;
    say(
      `No JIMENG_TOKEN set: running against the built-in simulator at ${baseURL} (nothing leaves this machine).`,
    );
  } else {
    say(`Using the Jimeng API at ${baseURL} (JIMENG_TOKEN is set).`);
  }

  const demoTaskId = simulated ? await demo(token as string, baseURL) : undefined;
  if (!simulated)
    say(
      'Not creating a demo task: with a real token that would be billed. Try: npx jimeng create "a fox in the snow" --out fox.mp4',
    );

  if (process.env.START_EDGE !== '0') await startEdgeLocally(token as string, baseURL, demoTaskId);
  if (process.env.DISCORD_TOKEN) await startDiscordBot(token as string, baseURL);
  else say('Discord bot: not started (set DISCORD_TOKEN to start it; see docs/bot.md).');

  if (once) return shutdown(0);
  if (demoTaskId) {
    // The simulator's token is a fixed, public one: printing it gives nothing away.
    say(
      `\nThe CLI against this simulator:\n   JIMENG_BASE_URL=${baseURL} JIMENG_TOKEN=${SIMULATOR_TOKEN} npx jimeng task ${demoTaskId}`,
    );
  }
  say('\nRunning. Press Ctrl-C to stop.');
}

async function demo(token: string, baseURL: string): Promise<string> {
  const jimeng = createClient({ token, baseURL });
  const prompt =
    'A golden retriever pulls a cart along a mountain road, an orange cat riding on it';
  say(`\n1. createVideo: "${prompt}"`);
  const { taskId } = await jimeng.createVideo({ prompt, aspectRatio: '16:9' });
  say(`   task ${taskId}`);
  say('2. waitForTask:');
  const started = Date.now();
  const task = await jimeng.waitForTask(taskId, {
    intervalMs: 500,
    onUpdate: (t) =>
      say(`   ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${t.upstreamStatus}`),
  });
  say(`   video URL valid until ${task.videoUrlExpiresAt}`);
  const video = await jimeng.downloadVideo(task);
  const dir = join(root, 'out');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${taskId}.mp4`);
  await writeFile(file, video.bytes);
  say(
    `3. downloadVideo: ${video.size} bytes (${video.contentType}) saved to ${relative(process.cwd(), file)}`,
  );
  return taskId;
}

async function startEdgeLocally(token: string, baseURL: string, demoTaskId?: string) {
  const { startEdge } = await import('../edge/dev.ts');
  const configured = process.env.EDGE_API_KEYS?.split(',')[0]?.trim();
  const key = configured || `local-${randomBytes(9).toString('base64url')}`;
  // The one fixed port npm start may bind: the simulator and Miniflare's loopback server
  // always take a free one.
  const port = Number(process.env.EDGE_PORT) || undefined;
  const webhookSecret =
    process.env.EDGE_WEBHOOK_SECRET || `whsec_${randomBytes(32).toString('base64')}`;
  const edge = await startEdge({
    baseURL,
    token,
    apiKeys: process.env.EDGE_API_KEYS || key,
    port,
    callerHandlesSignals: true,
    // Share links and webhooks signed with keys of this run's own, unless configured; webhooks
    // may go to a receiver on this machine.
    vars: {
      EDGE_SHARE_SECRET: process.env.EDGE_SHARE_SECRET || randomBytes(32).toString('base64url'),
      EDGE_WEBHOOK_SECRET: webhookSecret,
      EDGE_WEBHOOK_ALLOW_PRIVATE: 'true',
    },
  }).catch((error) => {
    // Miniflare's code for workerd's failed bind; startEdge has already stopped workerd.
    if (port && error?.code === 'ERR_ADDRESS_IN_USE')
      throw new StartError(
        `port ${port} is in use: stop whatever holds it or set EDGE_PORT to a free port.`,
      );
    throw error;
  });
  closers.push({ name: 'the edge endpoint', close: () => edge.close() });
  // With --once it stops again at once: a curl line for it would only fail.
  if (once)
    return say(`\nEdge endpoint (Hono in workerd): started at ${edge.url}, and stopped (--once).`);
  const id = '14117763723766220057';
  say(`\nEdge endpoint (Hono in workerd) at ${edge.url}; try:`);
  // A configured key is a secret: the line names it through the variable, never by value.
  const header = configured
    ? // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, printed as is
      '"Authorization: Bearer ${EDGE_API_KEYS%%,*}"'
    : `'Authorization: Bearer ${key}'`;
  say(`   curl -H ${header} ${edge.url}/task/${id}`);
  say(
    process.env.EDGE_WEBHOOK_SECRET
      ? 'Webhooks (webhookUrl, or POST /task/:id/webhooks) are signed with EDGE_WEBHOOK_SECRET.'
      : `Webhooks (webhookUrl, or POST /task/:id/webhooks) are signed with this run's secret ${webhookSecret}`,
  );
  if (demoTaskId) {
    const share = await fetch(`${edge.url}/task/${demoTaskId}/share`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (share.ok) {
      const { url } = (await share.json()) as { url: string };
      say(`The demo video's watch page, to open in a browser:\n   ${url}`);
    }
  }
}

async function startDiscordBot(token: string, baseURL: string) {
  const { startBot } = await import('../bot/index.ts');
  const bot = await startBot({
    discordToken: process.env.DISCORD_TOKEN as string,
    discordApiURL: process.env.DISCORD_API_URL || undefined,
    jimeng: { token, baseURL },
    dataDir: process.env.BOT_DATA_DIR || undefined,
    edgePublicURL: process.env.EDGE_PUBLIC_URL || undefined,
    edgeApiKey: process.env.EDGE_API_KEY || undefined,
  });
  closers.push({ name: 'the Discord bot', close: () => bot.stop() });
  say(`Discord bot: logged in as ${bot.client.user?.tag ?? 'the bot'}.`);
}

let stopping = false;
async function shutdown(code: number, signal?: NodeJS.Signals) {
  // Once: closing the simulator fails whatever the demo was doing, which must not report
  // that failure or pick another exit code.
  if (stopping) return;
  stopping = true;
  const closed: string[] = [];
  for (const { name, close } of closers.reverse())
    await Promise.resolve(close()).then(
      () => closed.push(name),
      () => {},
    );
  if (signal)
    say(
      `\nStopped (${signal})${closed.length ? `: closed ${new Intl.ListFormat('en').format(closed)}` : ''}.`,
    );
  process.exit(code);
}

// A reader that has seen enough (`npm start | head -1`) closes the pipe: stop quietly, as the
// CLI does, instead of dying on an EPIPE trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  void shutdown(0);
});

// Exit as shells report a signal, 128 + its number, so `npm start && …` stops at a Ctrl-C.
process.once('SIGINT', () => void shutdown(130, 'SIGINT'));
process.once('SIGTERM', () => void shutdown(143, 'SIGTERM'));
main().catch((error) => {
  if (stopping) return;
  process.stderr.write(`npm start: ${describe(error)}\n`);
  void shutdown(1);
});

function describe(error: unknown): string {
  if (isJimengError(error)) return `${error.message} [${error.code}]`;
  if (error instanceof StartError) return error.message;
  return String(error instanceof Error ? error.stack : error);
}
