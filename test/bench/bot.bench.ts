// Bot benchmark (npm run bench): 1,000 tasks followed at once by one bot process (Node 22,
// bot/main.ts) against the simulator and the fake Discord. Reports the bot's peak RSS, the
// upstream requests per second and in flight against the configured cap, how long defers took
// (Discord wants them within 3 s), and the delay from "done upstream" to "posted".
// Knobs: BENCH_BOT_TASKS, BENCH_BOT_MAX_IN_FLIGHT, BENCH_BOT_RUNTIME (bun|node, default both),
// BENCH_BOT_NODE_OPTIONS (e.g. --max-old-space-size=80), BENCH_BOT_LOG=1 (print the bot's log).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { botProcessEnv } from '../bot/bot-process-env.ts';
import { startFakeDiscord } from '../fakes/discord/index.ts';

const TASKS = Number(process.env.BENCH_BOT_TASKS ?? 1000);
const CAP = Number(process.env.BENCH_BOT_MAX_IN_FLIGHT ?? 16);
/** Each upstream answer is held this long, as a distant provider would: it makes the cap bind. */
const LATENCY_MS = 50;
const MIN_DURATION_MS = 4_000;
const MAX_DURATION_MS = 12_000;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(runtime: 'bun' | 'node') {
  const sim = createSimulator({ durationMs: 8_000 });
  let inFlight = 0;
  let peakInFlight = 0;
  const apiStarts: number[] = [];
  const served = await serveSimulator({
    ...sim,
    async fetch(request) {
      if (new URL(request.url).pathname.includes('/video/tos/')) return sim.fetch(request);
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      apiStarts.push(Date.now());
      try {
        await sleep(LATENCY_MS);
        return await sim.fetch(request);
      } finally {
        inFlight--;
      }
    },
  });
  const discord = await startFakeDiscord();
  const dataDir = await mkdtemp(join(tmpdir(), 'jimeng-bot-bench-'));

  const bot = spawn(join(process.cwd(), 'node_modules/.bin', runtime), ['bot/main.ts'], {
    env: botProcessEnv(
      { discord, simulatorURL: served.url, dataDir },
      {
        BOT_MAX_IN_FLIGHT: String(CAP),
        ...(process.env.BENCH_BOT_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS }
          : {}),
      },
    ),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The bot's log, counted by event: the shape of a run at a glance, and its story when it fails.
  const events = new Map<string, number>();
  let partial = '';
  bot.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (process.env.BENCH_BOT_LOG) console.log(line);
      const event = /event=(\S+)/.exec(line)?.[1] ?? 'other';
      events.set(event, (events.get(event) ?? 0) + 1);
    }
  });
  const peakRssMiB = async () => {
    const status = await readFile(`/proc/${bot.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
    return round(kb / 1024);
  };

  try {
    await discord.ready(20_000);
    const rssAtReady = await peakRssMiB();
    const tasks: { id: string; doneAt: number; sentAt: number; token: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < TASKS; i++) {
      const durationMs = MIN_DURATION_MS + Math.random() * (MAX_DURATION_MS - MIN_DURATION_MS);
      const id = sim.addTask({ durationMs });
      const sentAt = Date.now();
      const { token } = await discord.sendInteraction({
        commandName: 'jimeng',
        subcommand: 'result',
        options: [{ name: 'task_id', type: 3, value: id }],
        // Distinct users: the per-user cap is not what is measured here.
        userId: String(1300000000000000000n + BigInt(i)),
      });
      tasks.push({ id, doneAt: sentAt + durationMs, sentAt, token });
    }
    const sentIn = Date.now() - started;

    const posted = await discord.videosPosted(TASKS, 180_000);
    const elapsedS = (Date.now() - started) / 1000;
    const peakRss = await peakRssMiB();

    const deferMs = tasks.map((t) => {
      const callback = discord.requests.find((r) => r.path.includes(`/${t.token}/callback`));
      return callback ? callback.at - t.sentAt : Number.NaN;
    });
    const delays = tasks
      .filter((t) => posted.has(t.id))
      .map((t) => (posted.get(t.id) ?? 0) - t.doneAt);
    const perSecond = new Map<number, number>();
    for (const at of apiStarts)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    const queries = sim.requests.filter((r) => r.path.startsWith('/task/')).length;

    console.log(
      `bot: ${TASKS} followed at once on ${runtime}`,
      JSON.stringify({
        runtime,
        tasks: TASKS,
        delivered: posted.size,
        allDelivered: posted.size === TASKS,
        wallSeconds: round(elapsedS),
        interactionsSentInMs: sentIn,
        peakRssMiB: peakRss,
        rssAtReadyMiB: rssAtReady,
        upstream: {
          capInFlight: CAP,
          peakInFlight,
          latencyMsPerRequest: LATENCY_MS,
          ceilingReqPerS: round((CAP * 1000) / LATENCY_MS),
          peakReqPerS: Math.max(...perSecond.values()),
          meanReqPerS: round(apiStarts.length / elapsedS),
          queries,
          queriesPerTask: round(queries / TASKS, 2),
        },
        deferMs: {
          p50: quantile(deferMs, 0.5),
          p99: quantile(deferMs, 0.99),
          max: Math.max(...deferMs),
        },
        doneToPostedMs: {
          p50: Math.round(quantile(delays, 0.5)),
          p95: Math.round(quantile(delays, 0.95)),
          max: Math.round(Math.max(...delays)),
        },
        botEvents: Object.fromEntries(events),
      }),
    );
    if (posted.size !== TASKS) {
      process.exitCode = 1;
      const statuses = new Map<string, number>();
      for (const r of discord.requests) {
        const key = `${r.method} ${r.path.split('/')[1]} ${r.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
      console.log('bot: Discord calls by status', JSON.stringify(Object.fromEntries(statuses)));
    }
  } finally {
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    await discord.close();
    await served.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Bun is what `npm run bot` runs; Node 22 runs the same files by stripping their types.
const runtimes = process.env.BENCH_BOT_RUNTIME ? [process.env.BENCH_BOT_RUNTIME] : ['bun', 'node'];
for (const runtime of runtimes) await run(runtime === 'node' ? 'node' : 'bun');
