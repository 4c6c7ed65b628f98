// Interactions benchmark (npm run bench): 1,000 `/jimeng result` commands for 1,000 tasks,
// POSTed signed to one local Worker (workerd through Miniflare) by the fake Discord, as Discord
// would deliver them over HTTP. Reports whether every video was posted, how long the deferred
// answer took (Discord wants it within 3 s; target p99 under 500 ms), the delay from "done
// upstream" to "posted", the upstream queries per task (one poll schedule per task, in its
// TaskFollower), and workerd's peak memory.
// Interactions arrive at a steady rate, as people type commands, not all at once: one local
// workerd runs the Worker and every Durable Object on one thread, where Cloudflare spreads
// the objects over many machines, so a burst here measures that thread, not the Worker.
// Knobs: BENCH_INTERACTIONS (default 1000), BENCH_INTERACTIONS_RATE (per second, default 15),
// BENCH_INTERACTIONS_LOG=1 (print the Worker's log).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { startEdge } from '../../edge/dev.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { startFakeDiscord } from '../fakes/discord/index.ts';

const TASKS = Number(process.env.BENCH_INTERACTIONS ?? 1000);
const RATE = Number(process.env.BENCH_INTERACTIONS_RATE ?? 15);
/** Each upstream answer is held this long, as a distant provider would. */
const LATENCY_MS = 50;
const MIN_DURATION_MS = 4_000;
const MAX_DURATION_MS = 12_000;
const TOKEN = 'bench-provider-token';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** workerd's process id, found among this process's children. */
function workerdPid(): string | undefined {
  return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, comm]) => comm?.startsWith('workerd'))?.[0];
}

/** workerd's peak resident memory (VmHWM). */
async function workerdPeakMiB(pid: string | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024);
}

/** CPU seconds workerd has used (user and system), from /proc/<pid>/stat. */
async function workerdCpuSeconds(pid: string | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return round((Number(fields[11]) + Number(fields[12])) / 100, 2);
}

const sim = createSimulator({ token: TOKEN, durationMs: 8_000 });
const served = await serveSimulator({
  ...sim,
  async fetch(request) {
    if (!new URL(request.url).pathname.includes('/video/')) await sleep(LATENCY_MS);
    return sim.fetch(request);
  },
});
const discord = await startFakeDiscord();
const events = new Map<string, number>();
const edge = await startEdge({
  baseURL: served.url,
  token: TOKEN,
  apiKeys: 'bench-key',
  vars: {
    DISCORD_PUBLIC_KEY: discord.publicKey,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiURL,
    DISCORD_TOKEN: discord.token,
  },
  onLog: (line) => {
    if (process.env.BENCH_INTERACTIONS_LOG) console.log(line);
    const event = /event=(\S+)/.exec(line)?.[1] ?? 'other';
    events.set(event, (events.get(event) ?? 0) + 1);
  },
});
const endpoint = `${edge.url}/discord/interactions`;

const workerd = workerdPid();
try {
  const rssAtStart = await workerdPeakMiB(workerd);
  const cpuAtStart = await workerdCpuSeconds(workerd);
  const tasks: { id: string; doneAt: number; token: string; deferMs: number; status: number }[] =
    [];
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < TASKS; i++) {
    // Open loop: each one leaves on time, whether or not the ones before were answered.
    const wait = started + (i * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
    const durationMs = MIN_DURATION_MS + Math.random() * (MAX_DURATION_MS - MIN_DURATION_MS);
    const id = sim.addTask({ durationMs });
    const doneAt = Date.now() + durationMs;
    sends.push(
      discord
        .postInteraction(
          {
            commandName: 'jimeng',
            subcommand: 'result',
            options: [{ name: 'task_id', type: 3, value: id }],
            // Distinct users: the per-user cap is not what is measured here.
            userId: String(1300000000000000000n + BigInt(i)),
          },
          { endpoint },
        )
        .then((answer) => {
          const deferred = (answer.body as { type?: unknown }).type === 5;
          tasks.push({
            id,
            doneAt,
            token: answer.token,
            deferMs: answer.ms,
            status: deferred ? 5 : 0,
          });
        }),
    );
  }
  await Promise.all(sends);
  const sentIn = Date.now() - started;

  const posted = await discord.videosPosted(TASKS, 180_000);
  const elapsedS = (Date.now() - started) / 1000;
  const delays = tasks
    .filter((t) => posted.has(t.id))
    .map((t) => (posted.get(t.id) ?? 0) - t.doneAt);
  const deferMs = tasks.map((t) => t.deferMs);
  const queries = sim.requests.filter((r) => /^\/task\/\d+$/.test(r.path)).length;
  const edits = discord.requests.filter((r) => r.method === 'PATCH').length;

  console.log(
    `interactions: ${TASKS} /jimeng result over HTTP to one Worker`,
    JSON.stringify({
      tasks: TASKS,
      deferred: tasks.filter((t) => t.status === 5).length,
      delivered: posted.size,
      allDelivered: posted.size === TASKS,
      wallSeconds: round(elapsedS),
      interactionsSentInMs: sentIn,
      ratePerSecond: RATE,
      deferMs: {
        p50: round(quantile(deferMs, 0.5)),
        p99: round(quantile(deferMs, 0.99)),
        max: round(Math.max(...deferMs)),
      },
      doneToPostedMs: {
        p50: Math.round(quantile(delays, 0.5)),
        p95: Math.round(quantile(delays, 0.95)),
        max: Math.round(Math.max(...delays)),
      },
      upstream: {
        latencyMsPerRequest: LATENCY_MS,
        queries,
        queriesPerTask: round(queries / TASKS, 2),
      },
      discordEditsPerTask: round(edits / TASKS, 2),
      workerdPeakRssMiB: await workerdPeakMiB(workerd),
      workerdCpuMsPerTask: round(
        (((await workerdCpuSeconds(workerd)) - cpuAtStart) * 1000) / TASKS,
      ),
      workerdRssAtStartMiB: rssAtStart,
      workerEvents: Object.fromEntries(events),
    }),
  );
  if (posted.size !== TASKS || quantile(deferMs, 0.99) >= 500) process.exitCode = 1;
} finally {
  await edge.close();
  await discord.close();
  await served.close();
}
