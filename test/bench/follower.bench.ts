// Follower benchmark (npm run bench): one Durable Object per task polls for every watcher.
// Four tasks of 300 s (simulated: the simulator's clock runs 20x, the follower's first wait
// is 100 ms, i.e. 2 s of task time) are watched by 1, 10, 100 and 1,000 callers each (half
// /events, half ?wait), the first at the start, the others at random moments of the task's
// life, and each has 10 webhooks; the four run side by side, started 3 s apart. Measured:
// upstream queries per task against one watcher's (target 1.05x at most), and the time from
// the query that sees `done` to each SSE `done` event and to each webhook's arrival (target
// p99 under 1 s; a webhook waits for the follower's R2 copy).
// The watchers run in child processes (test/bench/watcher-process.ts), the simulator and the
// webhook receiver here; times are wall-clock milliseconds, comparable across the processes.
// The rig: the Worker that serves the watchers runs in one workerd process, the TaskFollower
// objects and the R2 bucket they copy into in a second one (`followersApart`, reached through
// Miniflare's dev registry), as on Cloudflare, where an object does not share an isolate with
// the requests of its watchers. FOLLOWER_BENCH_ONE_PROCESS=1 runs Miniflare's usual rig, all in
// one process on one thread: there the copy's R2 requests, hence the webhooks, wait behind the
// Worker's fan-out to a thousand watchers. Neither rig is Cloudflare: in both, the thousand
// watchers' requests share one Worker thread, and apart, each watcher's stream also crosses
// workerd's debug-port RPC through a proxy object Miniflare runs on that thread, so the SSE
// times at 1,000 watchers are slower apart than in one process: they measure the rig's one
// Worker thread more than the follower. Every process here also shares the machine's cores
// with the watchers, the simulator and the receiver.
import { randomBytes } from 'node:crypto';
import { startEdge } from '../../edge/dev.ts';
import { acceleratedClock, pollDelayMs } from '../../src/index.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { startWebhookReceiver } from '../fakes/webhook-receiver.ts';
import { runWatchers, wallClock } from './watcher-process.ts';

const SPEED = 20;
const TASK_MS = 300_000;
const REAL_TASK_MS = TASK_MS / SPEED;
// FOLLOWER_BENCH_WATCHERS=1,1000 runs some of the scenarios only.
const WATCHERS = (process.env.FOLLOWER_BENCH_WATCHERS ?? '1,10,100,1000').split(',').map(Number);
const WEBHOOKS_PER_TASK = 10;
const STAGGER_MS = 3_000;
const ROUNDS = Number(process.env.FOLLOWER_BENCH_ROUNDS ?? 2);
const TOKEN = 'bench-token';
const KEY = 'bench-key';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ONE_PROCESS = process.env.FOLLOWER_BENCH_ONE_PROCESS === '1';

const sim = createSimulator({ token: TOKEN, now: acceleratedClock(SPEED).now });
/** When (wall clock) the simulator first answered a query of the task with `done`. */
const doneAt = new Map<string, number>();
const served = await serveSimulator({
  ...sim,
  async fetch(request) {
    const response = await sim.fetch(request);
    const at = wallClock();
    const [, id] = /^\/task\/(\d+)$/.exec(new URL(request.url).pathname) ?? [];
    if (id && !doneAt.has(id)) {
      const body = (await response.clone().json()) as { data?: { status?: string } };
      if (body.data?.status === 'done') doneAt.set(id, at);
    }
    return response;
  },
});
const receiver = await startWebhookReceiver();
const edge = await startEdge({
  baseURL: served.url,
  token: TOKEN,
  apiKeys: KEY,
  followersApart: !ONE_PROCESS,
  vars: {
    EDGE_POLL_INTERVAL_MS: '100',
    // No per-request limit on the answers a watcher rides: every watcher stays to the end.
    EDGE_FOLLOW_QUERIES: '100000',
    EDGE_WEBHOOK_SECRET: SECRET,
    EDGE_WEBHOOK_ALLOW_PRIVATE: 'true',
  },
});
const auth = { authorization: `Bearer ${KEY}` };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 10) / 10;

async function scenario(watchers: number) {
  const id = sim.addTask({ durationMs: TASK_MS });
  for (let i = 0; i < WEBHOOKS_PER_TASK; i++) {
    const response = await fetch(`${edge.url}/task/${id}/webhooks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/${id}/${i}` }),
    });
    if (response.status !== 201) throw new Error(`subscribe answered ${response.status}`);
  }
  const results = await runWatchers({
    edgeURL: edge.url,
    key: KEY,
    taskId: id,
    count: watchers,
    withinMs: REAL_TASK_MS,
  });
  const failed = results.filter((r) => r.status !== 'done');
  if (failed.length)
    throw new Error(`${failed.length} watchers did not see done: ${failed[0]?.status}`);
  for (let i = 0; i < WEBHOOKS_PER_TASK; i++) await receiver.until(`/${id}/${i}`, 1, 30_000);
  const done = doneAt.get(id) ?? Number.NaN;
  return {
    watchers,
    queries: sim.requests.filter((r) => r.taskId === id && r.path.startsWith('/task/')).length,
    // Only watchers connected before the end: the others got the ended task at once.
    sse: results.flatMap((r) =>
      r.doneEventAt !== undefined && r.arrivedAt < done ? [r.doneEventAt - done] : [],
    ),
    webhooks: receiver.deliveries
      .filter((d) => d.path.startsWith(`/${id}/`))
      .map((d) => d.at + performance.timeOrigin - done),
  };
}

/** Queries one schedule makes over a task's life with every wait at its longest or shortest. */
function oneSchedule(random: () => number): number {
  let queries = 1;
  for (let t = 0; t < REAL_TASK_MS; queries++) {
    t += pollDelayMs(t, { intervalMs: 100, maxIntervalMs: 30_000 }, random);
  }
  return queries;
}

const rows = new Map(
  WATCHERS.map((n) => [
    n,
    { queries: [] as number[], sse: [] as number[], webhooks: [] as number[] },
  ]),
);
for (let r = 0; r < ROUNDS; r++) {
  // Side by side, but ending a few seconds apart: each task's fan-out is measured alone.
  const results = await Promise.all(
    WATCHERS.map(async (watchers, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * STAGGER_MS));
      return scenario(watchers);
    }),
  );
  for (const result of results) {
    const row = rows.get(result.watchers);
    row?.queries.push(result.queries);
    row?.sse.push(...result.sse);
    row?.webhooks.push(...result.webhooks);
  }
}
const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
const latency = (values: number[]) => ({
  n: values.length,
  p50Ms: round(percentile(values, 0.5)),
  p99Ms: round(percentile(values, 0.99)),
});
const baseline = mean(rows.get(1)?.queries ?? []);
console.log(
  `follower (${ONE_PROCESS ? 'one workerd process' : 'followers in a second workerd process'}): tasks of ${TASK_MS / 1000} s (simulated, ${SPEED}x), ${ROUNDS} rounds, ${WEBHOOKS_PER_TASK} webhooks per task; one schedule makes ${oneSchedule(() => 1)}-${oneSchedule(() => 0)} queries`,
);
for (const [watchers, row] of rows) {
  console.log(
    '  ',
    JSON.stringify({
      watchers,
      queriesPerTask: row.queries,
      queriesVsOneWatcher: Math.round((mean(row.queries) / baseline) * 1000) / 1000,
      doneToSseEvent: latency(row.sse),
      doneToWebhook: latency(row.webhooks),
    }),
  );
}
const all = [...rows.values()];
console.log(
  '  ',
  JSON.stringify({
    allTasks: true,
    doneToSseEvent: latency(all.flatMap((row) => row.sse)),
    doneToWebhook: latency(all.flatMap((row) => row.webhooks)),
    targets: 'queries <= 1.05x one watcher; p99 < 1000 ms',
  }),
);

await edge.close();
await receiver.close();
await served.close();
