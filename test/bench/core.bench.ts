// Core benchmarks (npm run bench): client overhead against plain fetch + JSON.parse, polling
// cost and delay against fixed 5-second polling, and the core's bundled size for Workers.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ofetch } from 'ofetch';
import * as v from 'valibot';
import { acceleratedClock, type Clock, createClient } from '../../src/index.ts';
import { createSimulator, FIXTURE_TASK_ID, SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { toTask } from '../../src/task.ts';
import { readEnvelope } from '../../src/upstream-response.ts';
import { UpstreamTaskDataSchema } from '../../src/upstream-schema.ts';
import { startSimulatorProcess } from './simulator-process.ts';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

type Call = () => Promise<unknown>;

/** `candidate` against `plain`, interleaved one for one; the median of per-round median ratios. */
async function compareWithPlain(plain: Call, candidate: Call) {
  const time = async (fn: Call) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  // Three seconds of both, so both are compiled by the JIT before anything is timed: after a
  // fixed 300 calls each, the first rounds of a process read 1 to 2 points higher than later.
  const warmUntil = performance.now() + 3000;
  while (performance.now() < warmUntil) {
    await plain();
    await candidate();
  }
  const rounds = 15;
  const perRound = 200;
  const ratios: number[] = [];
  const plainTimes: number[] = [];
  const candidateTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const p: number[] = [];
    const c: number[] = [];
    // Interleaved, so drift in the machine's load hits both sides alike.
    for (let i = 0; i < perRound; i++) {
      p.push(await time(plain));
      c.push(await time(candidate));
    }
    plainTimes.push(...p);
    candidateTimes.push(...c);
    ratios.push(median(c) / median(p));
  }
  return {
    plainMs: round(median(plainTimes), 3),
    candidateMs: round(median(candidateTimes), 3),
    ratio: round(median(ratios), 3),
  };
}

async function clientOverhead({ breakdown = false } = {}) {
  const server = await startSimulatorProcess();
  const client = createClient({ token: SIMULATOR_TOKEN, baseURL: server.url });
  const url = `${server.url}/task/${FIXTURE_TASK_ID}`;
  const headers = { authorization: `Bearer ${SIMULATOR_TOKEN}`, accept: 'application/json' };
  const plain = async () => JSON.parse(await (await fetch(url, { headers })).text());
  const ours = await compareWithPlain(plain, () => client.getTask(FIXTURE_TASK_ID));
  // Not a baseline but a floor: what any ofetch client that cuts a hung request pays before
  // reading a single field (ofetch, an AbortSignal and a timer per request, JSON.parse).
  // With the whole URL, as the client's transport sends it (ofetch's baseURL join costs more).
  const floorFetch = ofetch.create({ headers, responseType: 'text' });
  const withCutoff = async <T>(request: (signal: AbortSignal) => Promise<T>) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await request(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };
  const floor = await compareWithPlain(plain, () =>
    withCutoff(async (signal) => JSON.parse(await floorFetch<string>(url, { signal }))),
  );
  const result = {
    plainMedianMs: ours.plainMs,
    getTaskMedianMs: ours.candidateMs,
    medianRatio: ours.ratio,
    target: '<= 1.15',
    ofetchWithTimeoutRatio: floor.ratio,
  };
  if (!breakdown) {
    server.close();
    return result;
  }
  // Where the overhead goes, one layer at a time, each against the same plain baseline.
  const cutoffOnly = await compareWithPlain(plain, () =>
    withCutoff(async (signal) => JSON.parse(await (await fetch(url, { headers, signal })).text())),
  );
  const readTask = await compareWithPlain(plain, () =>
    withCutoff(async (signal) => {
      const response = await floorFetch.raw<string, 'text'>(url, { signal });
      const text = response._data ?? '';
      const now = Date.now();
      const context = { action: 'querying', now, redact: (t: string) => t, hasToken: true };
      const read = readEnvelope(
        { status: response.status, headers: response.headers, text },
        context,
      );
      const data = v.parse(UpstreamTaskDataSchema, read.envelope.data);
      return toTask(FIXTURE_TASK_ID, data, read.requestId ?? null, read.json, now);
    }),
  );
  server.close();
  return {
    ...result,
    breakdown: {
      'fetch + AbortSignal + timer': cutoffOnly.ratio,
      '+ ofetch': floor.ratio,
      '+ reading the envelope and the Task': readTask.ratio,
      '+ retries and deadline (getTask)': ours.ratio,
    },
  };
}

/** Fixed-interval polling, the plain baseline: ask every `everyMs` until done. */
async function fixedPolling(
  client: ReturnType<typeof createClient>,
  clock: Clock,
  id: string,
  everyMs: number,
) {
  for (;;) {
    const task = await client.getTask(id);
    if (task.status === 'done') return task;
    await clock.sleep(everyMs);
  }
}

async function polling() {
  const speed = 100;
  const clock = acceleratedClock(speed);
  const sim = createSimulator({ now: clock.now });
  const server = await serveSimulator(sim);
  const client = createClient({ token: SIMULATOR_TOKEN, baseURL: server.url, clock });
  const rows = [];
  for (const seconds of [10, 60, 300]) {
    const tasksPerKind = 8;
    const measure = async (follow: (id: string) => Promise<unknown>) => {
      const results = await Promise.all(
        Array.from({ length: tasksPerKind }, async () => {
          const createdAt = clock.now();
          const id = sim.addTask({ durationMs: seconds * 1000, createdAt });
          await follow(id);
          const delay = clock.now() - (createdAt + seconds * 1000);
          const requests = sim.requests.filter(
            (r) => r.taskId === id || r.path.endsWith(`/${id}`),
          ).length;
          return { delay, requests };
        }),
      );
      return {
        requests: round(results.reduce((s, r) => s + r.requests, 0) / results.length, 1),
        maxDelayS: round(Math.max(...results.map((r) => r.delay)) / 1000),
        medianDelayS: round(median(results.map((r) => r.delay)) / 1000),
      };
    };
    const ours = await measure((id) => client.waitForTask(id, { timeoutMs: 3_600_000 }));
    const fixed = await measure((id) => fixedPolling(client, clock, id, 5000));
    const bound = Math.max(2, seconds * 0.1);
    rows.push({
      taskSeconds: seconds,
      waitForTask: ours,
      fixed5s: fixed,
      requestRatio: round(ours.requests / fixed.requests),
      delayTargetS: bound,
      delayWithinTarget: ours.maxDelayS < bound,
    });
  }
  await server.close();
  return { simulatedSpeed: `${speed}x (1 ms of real latency reads as ${speed / 1000} s)`, rows };
}

const CORE_BUNDLE_BUDGET_BYTES = 16_384;

async function bundleSize() {
  const result = await build({
    entryPoints: [new URL('../../src/index.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const gzipBytes = gzipSync(code, { level: 9 }).byteLength;
  return {
    minifiedKB: round(code.byteLength / 1024, 1),
    // Two decimals: at 15.97 KB one decimal would print the limit itself.
    gzipKB: round(gzipBytes / 1024, 2),
    gzipBytes,
    // 16 KB since issue 10, which exports the core's shared checks (terminalTaskError,
    // isHttpURL, mib, MAX_TIMER_MS…) for the adapters: 15 KB left them no room.
    target: `< 16 KB gzip (${CORE_BUNDLE_BUDGET_BYTES.toLocaleString('en')} bytes)`,
    withinTarget: gzipBytes < CORE_BUNDLE_BUDGET_BYTES,
  };
}

const runtime =
  'bun' in process.versions ? `bun ${process.versions.bun}` : `node ${process.version}`;
if (process.argv.includes('--overhead-only') || process.argv.includes('--breakdown')) {
  const breakdown = process.argv.includes('--breakdown');
  console.log(
    `core: client overhead on ${runtime}`,
    JSON.stringify(await clientOverhead({ breakdown }), null, breakdown ? 2 : undefined),
  );
  process.exit(0);
}
if (process.argv.includes('--polling-only')) {
  const poll = await polling();
  for (const row of poll.rows) console.log('  ', JSON.stringify(row));
  process.exit(0);
}
console.log('core: bundle size', JSON.stringify(await bundleSize()));
console.log(`core: client overhead on ${runtime}`, JSON.stringify(await clientOverhead()));
// The same comparison where the CLI's Bun scripts run: its fetch is not undici.
spawnSync(
  join(import.meta.dirname, '../../node_modules/.bin/bun'),
  [import.meta.filename, '--overhead-only'],
  {
    stdio: 'inherit',
  },
);
const poll = await polling();
console.log(`core: polling (simulated time at ${poll.simulatedSpeed})`);
for (const row of poll.rows) console.log('  ', JSON.stringify(row));
