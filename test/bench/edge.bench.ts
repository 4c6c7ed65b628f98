// Edge benchmark (npm run bench): the same load against the edge Worker and a bare
// fetch-passthrough Worker, both in one workerd, both in front of the same simulator.
// The gap is what Hono, auth, validation, normalisation and the cache lookup cost per request.
import { Miniflare } from 'miniflare';
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, edgeWorkerOptions } from '../../edge/dev.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';

const TOKEN = 'bench-token';
const KEY = 'bench-key';
const CONCURRENCY = 16;
const REQUESTS_PER_ROUND = 400;
const ROUNDS = 6;

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

/** `ids(round)` gives the task ids a round cycles through; round -1 is the warm-up. */
async function compare(label: string, ids: (round: number) => string[], warmup = 200) {
  const urls = (origin: string, round: number) => ids(round).map((id) => `${origin}/task/${id}`);
  const edgeRuns = [];
  const bareRuns = [];
  // Warm both (JIT, connections), then interleave rounds so drift in the machine's load hits
  // both sides alike.
  await load(urls(edgeOrigin, -1), { authorization: `Bearer ${KEY}` }, warmup);
  await load(urls(bareOrigin, -1), {}, warmup);
  for (let r = 0; r < ROUNDS; r++) {
    edgeRuns.push(
      await load(urls(edgeOrigin, r), { authorization: `Bearer ${KEY}` }, REQUESTS_PER_ROUND),
    );
    bareRuns.push(await load(urls(bareOrigin, r), {}, REQUESTS_PER_ROUND));
  }
  const edge = summarise(edgeRuns);
  const bare = summarise(bareRuns);
  return {
    scenario: label,
    edge,
    bare,
    medianLatencyRatio: round(edge.medianMs / bare.medianMs),
    p99LatencyRatio: round(edge.p99Ms / bare.p99Ms),
    throughputRatio: round(edge.reqPerS / bare.reqPerS),
    target: 'latency <= 1.15x, throughput >= 0.85x',
  };
}

const sim = createSimulator({ token: TOKEN });
const served = await serveSimulator(sim);
const edgeOptions = await edgeWorkerOptions({ baseURL: served.url, token: TOKEN, apiKeys: KEY });
const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  workers: [
    { name: 'edge', ...edgeOptions, unsafeDirectSockets: [{ port: 0 }] },
    {
      name: 'bare',
      modules: [{ type: 'ESModule', path: 'bare.js', contents: BARE_WORKER }],
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: COMPATIBILITY_FLAGS,
      bindings: { JIMENG_BASE_URL: served.url, JIMENG_TOKEN: TOKEN },
      unsafeDirectSockets: [{ port: 0 }],
    },
  ],
});
await mf.ready;
const edgeOrigin = (await mf.unsafeGetDirectURL('edge')).origin;
const bareOrigin = (await mf.unsafeGetDirectURL('bare')).origin;

const addRunning = (n: number) =>
  Array.from({ length: n }, () => sim.addTask({ durationMs: 24 * 3_600_000 }));
// Distinct running tasks the isolate has already seen: every request is its own upstream
// query on both sides and the edge skips the Cache API (it knows they are running), so the
// difference is the edge's own work.
const seen = addRunning(256);
const warm = await compare('distinct running tasks, seen before', () => seen, 2 * seen.length);
// Every request a task new to the isolate: the edge looks in the Cache API before asking
// upstream (a loopback service in Miniflare, a colo-local lookup on Cloudflare).
const fresh = Array.from({ length: ROUNDS + 1 }, () => addRunning(REQUESTS_PER_ROUND));
const cold = await compare('distinct running tasks, each new', (r) => fresh[r + 1] as string[]);
// One running task: concurrent edge requests share one upstream query (single-flight).
const runningId = seen[0] as string;
const shared = await compare('one running task (edge shares in-flight queries)', () => [runningId]);
// Done: the edge answers from its cache (isolate memory, then the Cache API); the bare
// Worker still asks upstream every time.
const done = sim.addTask({ durationMs: 0 });
const cached = await compare('one done task (edge cache vs bare upstream)', () => [done]);
const upstreamForDone = sim.requests.filter((r) => r.taskId === done).length;
console.log(
  `edge: ${CONCURRENCY} in flight, ${ROUNDS} x ${REQUESTS_PER_ROUND} requests per side, interleaved`,
);
for (const row of [warm, cold, shared, cached]) console.log('  ', JSON.stringify(row));
console.log(`   done task: ${upstreamForDone} upstream queries in total, of which the edge made 1`);

await mf.dispose();
await served.close();
