// Edge benchmark (npm run bench): the same load against the edge Worker and a bare
// fetch-passthrough Worker, both in one workerd, both in front of the same simulator.
// The gap is what Hono, auth, validation, normalisation and the cache lookup cost per request.
// The simulator runs in a child process, as the provider is not in the caller's process: on
// the load generator's event loop it would delay the timing of responses with its own work,
// and its work would wait behind the load generator's.
import { Miniflare } from 'miniflare';
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, edgeWorkerOptions } from '../../edge/dev.ts';
import { SIMULATOR_TOKEN, type SimulatedRequest } from '../../src/simulator/index.ts';
import { startSimulatorProcess } from './simulator-process.ts';

const TOKEN = SIMULATOR_TOKEN;
const KEY = 'bench-key';
const CONCURRENCY = 16;
const REQUESTS_PER_ROUND = 400;
// EDGE_BENCH_ROUNDS raises the rounds per scenario for steadier figures (a longer run).
const ROUNDS = Number(process.env.EDGE_BENCH_ROUNDS ?? 10);

/** The least a Worker can do: forward the query with the token, hand back the body. */
const BARE_WORKER = `export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const upstream = await fetch(env.JIMENG_BASE_URL + pathname, {
      headers: { authorization: 'Bearer ' + env.JIMENG_TOKEN, accept: 'application/json' },
    });
    return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': 'application/json' } });
  },
};`;

/** The bare Worker plus one Cache API read, as the edge makes for a task it has not seen. */
const BARE_CACHE_WORKER = BARE_WORKER.replace(
  'const upstream =',
  "await caches.default.match('https://jimeng-edge.cache/' + encodeURIComponent(env.JIMENG_BASE_URL) + pathname);\n    const upstream =",
);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `count` requests with `CONCURRENCY` in flight; latencies in ms and the wall time. */
async function load(urls: string[], headers: Record<string, string>, count: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const url = urls[next++ % urls.length] as string;
      const t = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, wallMs: performance.now() - started };
}

function summarise(runs: { latencies: number[]; wallMs: number }[]) {
  const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const wall = runs.reduce((s, r) => s + r.wallMs, 0);
  return {
    medianMs: round(percentile(all, 0.5), 3),
    p99Ms: round(percentile(all, 0.99), 3),
    reqPerS: Math.round((all.length / wall) * 1000),
  };
}

/** A Worker measured against the bare one: where it listens and what a caller sends it. */
interface Subject {
  name: string;
  origin: string;
  headers: Record<string, string>;
}

/**
 * `ids(round)` gives the task ids a round cycles through; round -1 is the warm-up. The
 * subject is the edge unless a control row says otherwise.
 */
async function compare(
  label: string,
  ids: (round: number) => string[],
  warmup = 200,
  subject: Subject = edge,
) {
  const urls = (origin: string, round: number) => ids(round).map((id) => `${origin}/task/${id}`);
  const subjectRuns: Awaited<ReturnType<typeof load>>[] = [];
  const bareRuns: Awaited<ReturnType<typeof load>>[] = [];
  // Warm both (JIT, connections), then interleave rounds so drift in the machine's load hits
  // both sides alike.
  await load(urls(subject.origin, -1), subject.headers, warmup);
  await load(urls(bareOrigin, -1), {}, warmup);
  const subjectRound = async (r: number) =>
    subjectRuns.push(await load(urls(subject.origin, r), subject.headers, REQUESTS_PER_ROUND));
  const bareRound = async (r: number) =>
    bareRuns.push(await load(urls(bareOrigin, r), {}, REQUESTS_PER_ROUND));
  for (let r = 0; r < ROUNDS; r++) {
    // Each side goes first every other round, so neither always runs after the other's garbage.
    if (r % 2 === 0) {
      await subjectRound(r);
      await bareRound(r);
    } else {
      await bareRound(r);
      await subjectRound(r);
    }
  }
  const measured = summarise(subjectRuns);
  const bare = summarise(bareRuns);
  return {
    scenario: label,
    [subject.name]: measured,
    bare,
    medianLatencyRatio: round(measured.medianMs / bare.medianMs),
    p99LatencyRatio: round(measured.p99Ms / bare.p99Ms),
    throughputRatio: round(measured.reqPerS / bare.reqPerS),
    ...(subject === edge ? { target: 'latency <= 1.15x, throughput >= 0.85x' } : {}),
  };
}

const served = await startSimulatorProcess();
/** The child's simulator, scripted through its control routes (`/__sim/*`). */
const sim = {
  async addTask(init: { durationMs: number }): Promise<string> {
    const response = await fetch(`${served.url}/__sim/tasks`, {
      method: 'POST',
      body: JSON.stringify(init),
    });
    return ((await response.json()) as { id: string }).id;
  },
  async requests(): Promise<SimulatedRequest[]> {
    return (await fetch(`${served.url}/__sim/requests`)).json() as Promise<SimulatedRequest[]>;
  },
};
const edgeOptions = await edgeWorkerOptions({ baseURL: served.url, token: TOKEN, apiKeys: KEY });
const bareOptions = (name: string) => ({
  name,
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: COMPATIBILITY_FLAGS,
  bindings: { JIMENG_BASE_URL: served.url, JIMENG_TOKEN: TOKEN },
  unsafeDirectSockets: [{ port: 0 }],
});
const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  workers: [
    { name: 'edge', ...edgeOptions, unsafeDirectSockets: [{ port: 0 }] },
    {
      ...bareOptions('bare'),
      modules: [{ type: 'ESModule', path: 'bare.js', contents: BARE_WORKER }],
    },
    // Controls, measured against the bare Worker like the edge: an identical copy of it (how
    // far apart two equal Workers land on this rig in one run), and the bare Worker plus the
    // one Cache API read the edge makes for a task new to it.
    {
      ...bareOptions('bare-twin'),
      modules: [{ type: 'ESModule', path: 'twin.js', contents: BARE_WORKER }],
    },
    {
      ...bareOptions('bare-cache'),
      modules: [{ type: 'ESModule', path: 'cache.js', contents: BARE_CACHE_WORKER }],
    },
  ],
});
await mf.ready;
const edgeOrigin = (await mf.unsafeGetDirectURL('edge')).origin;
const bareOrigin = (await mf.unsafeGetDirectURL('bare')).origin;
const edge: Subject = {
  name: 'edge',
  origin: edgeOrigin,
  headers: { authorization: `Bearer ${KEY}` },
};
const twin: Subject = {
  name: 'bareTwin',
  origin: (await mf.unsafeGetDirectURL('bare-twin')).origin,
  headers: {},
};
const bareCache: Subject = {
  name: 'bareWithCacheRead',
  origin: (await mf.unsafeGetDirectURL('bare-cache')).origin,
  headers: {},
};

const addRunning = async (n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await sim.addTask({ durationMs: 24 * 3_600_000 }));
  return ids;
};
// Distinct running tasks the isolate has already seen: every request is its own upstream
// query on both sides and the edge skips the Cache API (it knows they are running), so the
// difference is the edge's own work.
const seen = await addRunning(256);
// The whole rig (load generator, the simulator's process, workerd) speeds up over its first
// 6,000-7,000 requests, bare and edge alike (throughput from about 2,000 to 3,500 per second
// here). Warm it on both Workers first, so the first scenario is not measured on a rig that
// is still warming up.
for (let i = 0; i < 8; i++) {
  await load(
    seen.map((id) => `${edgeOrigin}/task/${id}`),
    { authorization: `Bearer ${KEY}` },
    500,
  );
  await load(
    seen.map((id) => `${bareOrigin}/task/${id}`),
    {},
    500,
  );
}
const warm = await compare('distinct running tasks, seen before', () => seen, 2 * seen.length);
const noise = await compare(
  'control: the bare Worker against an identical copy, same load as above',
  () => seen,
  2 * seen.length,
  twin,
);
// Every request a task new to the isolate: the edge looks in the Cache API before asking
// upstream (a loopback service in Miniflare, a colo-local lookup on Cloudflare).
const fresh: string[][] = [];
for (let r = 0; r <= ROUNDS; r++) fresh.push(await addRunning(REQUESTS_PER_ROUND));
const cold = await compare('distinct running tasks, each new', (r) => fresh[r + 1] as string[]);
const cacheFloor = await compare(
  'control: the bare Worker plus one Cache API read, against the bare Worker, same load as above',
  (r) => fresh[r + 1] as string[],
  200,
  bareCache,
);
// One running task: concurrent edge requests share one upstream query (single-flight).
const runningId = seen[0] as string;
const shared = await compare('one running task (edge shares in-flight queries)', () => [runningId]);
// Done: the edge answers from its cache (isolate memory, then the Cache API); the bare
// Worker still asks upstream every time.
const done = await sim.addTask({ durationMs: 0 });
const cached = await compare('one done task (edge cache vs bare upstream)', () => [done]);
const upstreamForDone = (await sim.requests()).filter((r) => r.taskId === done).length;
console.log(
  `edge: ${CONCURRENCY} in flight, ${ROUNDS} x ${REQUESTS_PER_ROUND} requests per side, interleaved`,
);
for (const row of [warm, noise, cold, cacheFloor, shared, cached])
  console.log('  ', JSON.stringify(row));
console.log(`   done task: ${upstreamForDone} upstream queries in total, of which the edge made 1`);

await mf.dispose();
served.close();
