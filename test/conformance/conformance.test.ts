import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_BUILD_OPTIONS } from '../../edge/dev.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { runtimes, versionOf } from '../runtimes.ts';
import { type CheckResult, checkNames } from './client.conformance.ts';

const run = promisify(execFile);
let server: Awaited<ReturnType<typeof serveSimulator>>;
let dir: string;

beforeAll(async () => {
  server = await serveSimulator(createSimulator({ durationMs: 300 }));
  dir = await mkdtemp(join(tmpdir(), 'jimeng-conformance-'));
  // One bundle per kind of host, from the same checks, with no Node built-ins allowed in.
  for (const entry of [
    'entry-process',
    'entry-worker',
    'entry-exit',
    'entry-liveness',
    'entry-timers',
    'entry-timers-global',
  ]) {
    await build({
      ...WORKER_BUILD_OPTIONS,
      write: true,
      entryPoints: [join(import.meta.dirname, `${entry}.ts`)],
      outfile: join(dir, `${entry}.mjs`),
    });
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function expectAllPassed(results: CheckResult[]) {
  expect(results.map((r) => r.name)).toEqual(checkNames);
  expect(results.filter((r) => !r.ok)).toEqual([]);
}

/** The bundled entry `name`, running in workerd. */
async function workerFrom(name: string): Promise<Miniflare> {
  const contents = await readFile(join(dir, `${name}.mjs`), 'utf8');
  return new Miniflare({
    modules: [{ type: 'ESModule', path: `${name}.mjs`, contents }],
    compatibilityDate: '2025-09-01',
  });
}

const processRuntimes = [
  ['Node 20', runtimes.node20, /^v20\./, []],
  ['Node 22', runtimes.node22, /^v22\./, []],
  ['Bun', runtimes.bun, /^1\./, []],
  ['Deno', runtimes.deno, /^deno 2\./, ['run', '--allow-net']],
] as const;

describe('the core on every runtime it claims', () => {
  it.each(processRuntimes)('%s', async (_name, executable, version, args) => {
    expect(versionOf(executable)).toMatch(version);
    const { stdout } = await run(
      executable,
      [...args, join(dir, 'entry-process.mjs'), server.url],
      {
        timeout: 60_000,
      },
    );
    expectAllPassed(JSON.parse(stdout));
  });

  it('workerd', async () => {
    const mf = await workerFrom('entry-worker');
    try {
      const response = await mf.dispatchFetch(
        `http://worker/?base=${encodeURIComponent(server.url)}`,
      );
      expectAllPassed((await response.json()) as CheckResult[]);
    } finally {
      await mf.dispose();
    }
  });
});

describe('timers in workerd', () => {
  // workerd ties a timer to the request that set it: a timer shared with a later request never
  // fires for it, and workerd cancels that request as hung (a 500). The later wait here ends
  // after the earlier callback, so a shared timer would be armed for the earlier one only.
  it("a wait fires for its own request, whatever an earlier request's timers were", async () => {
    const mf = await workerFrom('entry-timers');
    try {
      expect(await (await mf.dispatchFetch('http://worker/leave?ms=200')).text()).toBe('left');
      const response = await mf.dispatchFetch('http://worker/sleep?ms=600');
      expect(response.status).toBe(200);
      expect(Number(await response.text())).toBeGreaterThanOrEqual(550);
    } finally {
      await mf.dispose();
    }
  });

  it('concurrent requests each get their wait, after a first request cancelled its callback', async () => {
    const mf = await workerFrom('entry-timers');
    try {
      expect(await (await mf.dispatchFetch('http://worker/cancel?ms=200')).text()).toBe(
        'cancelled',
      );
      const waits = [300, 100, 200];
      // Each body is read as soon as its answer comes: under load, Miniflare once reported a
      // body read later as already read.
      const answers = await Promise.all(
        waits.map(async (ms) => {
          const response = await mf.dispatchFetch(`http://worker/sleep?ms=${ms}`);
          return { status: response.status, slept: Number(await response.text()) };
        }),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      for (const [i, { slept }] of answers.entries()) {
        expect(slept).toBeGreaterThanOrEqual((waits[i] ?? 0) - 50);
      }
    } finally {
      await mf.dispose();
    }
  });
});

describe('a script that is done exits', () => {
  // A lingering timer would hold the process for the query's 30-second cutoff; the run's timeout
  // is far under that, so a regression fails fast instead of slowing the suite.
  it.each(processRuntimes)('%s', async (_name, executable, _version, args) => {
    const started = Date.now();
    const { stdout } = await run(executable, [...args, join(dir, 'entry-exit.mjs'), server.url], {
      timeout: 15_000,
    });
    expect(stdout.trim()).toBe('done');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
  it('a schedule refused at global scope leaves later waits alone', async () => {
    const mf = await workerFrom('entry-timers-global');
    try {
      expect(await (await mf.dispatchFetch('http://worker/thrown')).text()).toMatch(/global scope/);
      const response = await mf.dispatchFetch('http://worker/sleep?ms=100');
      expect(response.status).toBe(200);
      expect(Number(await response.text())).toBeGreaterThanOrEqual(50);
    } finally {
      await mf.dispose();
    }
  });
});

describe('a pending callback holds the process, and nothing else does', () => {
  it.each(processRuntimes)('%s', async (_name, executable, _version, args) => {
    const started = Date.now();
    const { stdout } = await run(executable, [...args, join(dir, 'entry-liveness.mjs')], {
      timeout: 15_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['slept', 'last']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
