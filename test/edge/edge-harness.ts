import { afterAll, beforeAll } from 'vitest';
import { type RunningEdge, type StartEdgeOptions, startEdge } from '../../edge/dev.ts';
import {
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';

/** Distinctive, so a leak anywhere in a response is unmistakable. */
export const TOKEN = 'sim-secret-token-7f3a9c';
export const KEY = 'edge-key-1';
export const auth = { authorization: `Bearer ${KEY}` };

/**
 * Fast settings: polls every 100 ms (the core's floor), no upstream retries, short budgets, and
 * followers that stop polling as soon as their last watcher leaves.
 */
export const FAST_VARS = {
  EDGE_POLL_INTERVAL_MS: '100',
  EDGE_FOLLOW_IDLE_MS: '0',
  EDGE_HEARTBEAT_MS: '40',
  EDGE_UPSTREAM_TIMEOUT_MS: '400',
  EDGE_UPSTREAM_RETRIES: '0',
};

export interface Harness {
  sim: Simulator;
  served: ServedSimulator;
  edge: RunningEdge;
  /** Every response seen by `call`, as text, to prove the token never leaves. */
  seen: string[];
  call(path: string, init?: RequestInit): Promise<Response>;
  /** Upstream requests the simulator received for one task. */
  queriesFor(id: string): number;
}

/** A simulator on 127.0.0.1 and the worker in workerd pointed at it, for one test file. */
export function useEdge(
  options: Partial<StartEdgeOptions> = {},
  simOptions: SimulatorOptions = {},
): Harness {
  const harness = { seen: [] as string[] } as unknown as Harness;
  beforeAll(async () => {
    harness.sim = createSimulator({ token: TOKEN, durationMs: 300, ...simOptions });
    harness.served = await serveSimulator(harness.sim);
    harness.edge = await startEdge({
      baseURL: harness.served.url,
      token: TOKEN,
      apiKeys: KEY,
      ...options,
      vars: { ...FAST_VARS, ...options.vars },
    });
    harness.call = async (path, init) => {
      const response = await fetch(harness.edge.url + path, { redirect: 'manual', ...init });
      const copy = response.clone();
      const body = copy.headers.get('content-type')?.startsWith('video/') ? '' : await copy.text();
      harness.seen.push(`${JSON.stringify([...response.headers])}\n${body}`);
      return response;
    };
    harness.queriesFor = (id) =>
      harness.sim.requests.filter((r) => r.taskId === id && r.path.startsWith('/task/')).length;
  });
  afterAll(async () => {
    await harness.edge?.close();
    await harness.served?.close();
  });
  return harness;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The follower of a task, reached from outside workerd as the Worker reaches it. */
export async function followerOf(h: Harness, id: string) {
  const followers = await h.edge.miniflare.getDurableObjectNamespace('FOLLOWERS');
  // What its alarm runs: the Node side has no type for the class in workerd.
  return followers.get(followers.idFromName(id)) as unknown as {
    runDue(): Promise<void>;
    origin(): Promise<unknown>;
    settled(): Promise<unknown>;
  };
}

/** Whether `check` holds within `ms`, asked every 50 ms: for what happens after an answer. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    if (await check()) return true;
  }
  return false;
}

/** Resolves once the follower of `id` has seen the task end (it queries nothing after that). */
export async function untilFollowerSettled(h: Harness, id: string, ms = 4_000): Promise<void> {
  const follower = await followerOf(h, id);
  if (await eventually(async () => (await follower.settled()) !== undefined, ms)) return;
  throw new Error(`the follower of ${id} did not see its end within ${ms} ms`);
}

/** Whether R2 holds the video, read from outside the Worker. */
export async function inR2(h: Harness, id: string): Promise<boolean> {
  const bucket = await h.edge.miniflare.getR2Bucket('VIDEOS');
  return (await bucket.head(`videos/${id}.mp4`)) !== null;
}

/** Whether R2 holds the video within `ms`: the follower copies it after the answer has gone. */
export function untilInR2(h: Harness, id: string, ms = 4_000): Promise<boolean> {
  return eventually(() => inR2(h, id), ms);
}
