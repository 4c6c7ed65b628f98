import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createSimulator, SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';

export const T0 = Date.UTC(2025, 4, 1, 17, 19, 24);
export const TWO_POW_63 = 2n ** 63n;
export const auth = { authorization: `Bearer ${SIMULATOR_TOKEN}` };

/** Copies of the shared API notes' fixtures: the bodies the simulator must imitate. */
export const readFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as {
    data: { resp_data: string };
  } & Record<string, unknown>;

// biome-ignore lint/suspicious/noExplicitAny: bodies are read loosely on purpose
export const json = async (response: Response): Promise<any> => JSON.parse(await response.text());

/** The nested key structure of a JSON value, so shapes compare without values. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, shape(inner)]),
  );
}

/**
 * A simulator served on 127.0.0.1 for one test file, on a clock the tests move by hand
 * (`h.now`): back at T0, with no tasks, faults or requests but the fixture's, before each test.
 */
export function useServedSimulator() {
  let server: ServedSimulator | undefined;
  const clock = { now: T0 };
  const h = {
    get now(): number {
      return clock.now;
    },
    set now(ms: number) {
      clock.now = ms;
    },
    sim: createSimulator({ now: () => clock.now, durationMs: 10_000 }),
    get url(): string {
      if (!server) throw new Error('the simulator is served from beforeAll on');
      return server.url;
    },
    query: (id: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${h.url}/task/${id}`, { headers: auth, ...init }),
    create: (kind: 'text2video' | 'image2video', body: unknown): Promise<Response> =>
      fetch(`${h.url}/task/jimeng/${kind}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async videoUrlOf(id: string): Promise<string> {
      const body = await json(await h.query(id));
      expect(body.data.status).toBe('done');
      return body.data.video_url;
    },
  };
  beforeAll(async () => {
    server = await serveSimulator(h.sim);
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    h.now = T0;
    h.sim.reset();
  });
  return h;
}
