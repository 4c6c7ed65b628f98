import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  acceleratedClock,
  type ClientOptions,
  type Clock,
  createClient,
  JimengError,
  systemClock,
  type Task,
} from '../../src/index.ts';
import {
  createSimulator,
  SIMULATOR_TOKEN,
  type SimulatorOptions,
} from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';

/**
 * The client against the simulator on 127.0.0.1, with one clock for both running 50 times
 * faster than real time: backoffs, poll waits and task lifecycles pass in moments.
 */
export async function startHarness(
  options: { sim?: SimulatorOptions; client?: ClientOptions; speed?: number } = {},
) {
  const clock = acceleratedClock(options.speed ?? 50);
  const sim = createSimulator({ durationMs: 10_000, now: clock.now, ...options.sim });
  const server = await serveSimulator(sim);
  const client = createClient({
    token: SIMULATOR_TOKEN,
    baseURL: server.url,
    clock,
    ...options.client,
  });
  const taskQueries = () =>
    sim.requests.filter((r) => r.path.startsWith('/task/') && r.method === 'GET');
  return { clock, sim, server, client, taskQueries, close: () => server.close() };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** The JimengError a promise rejects with; fails the test when it resolves instead. */
export function rejectionOf(promise: Promise<unknown>): Promise<JimengError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      if (!(error instanceof JimengError)) throw error;
      return error;
    },
  );
}

/**
 * A clock whose timers fire before it reads their time. Node's can: a timer starts from the
 * event loop's cached time, which lags `Date.now()`. Here the lag never ends: `now()` stands still.
 */
export function laggingClock(): Clock {
  const frozen = Date.now();
  return { now: () => frozen, schedule: systemClock.schedule, sleep: systemClock.sleep };
}

/** A one-off HTTP server on 127.0.0.1 (a bare proxy, an odd video host); `close` ends its connections too. */
export async function serveOnLoopback(handler: RequestListener) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port nothing listens on: connecting to it is refused. (Port 9 is not: fetch blocks it.) */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A task as one query would report it, for tests that drive a wait by hand. */
export function snapshot(id: string, status: Task['status']): Task {
  return {
    id,
    status,
    upstreamStatus: status,
    videoUrl: status === 'done' ? 'https://cdn.example/v.mp4' : null,
    videoUrlExpiresAt: null,
    imageUrls: [],
    imagesBase64: [],
    params: null,
    requestId: 'req-1',
    checkedAt: new Date(0).toISOString(),
    raw: null,
  };
}
