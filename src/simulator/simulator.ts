import { checkBearer, hasBearer, SIMULATOR_TOKEN } from './bearer.ts';
import { answerControl, CONTROL_PREFIX } from './control-route.ts';
import { answerCreate, type CreateKind } from './create-route.ts';
import { proxyError } from './envelope.ts';
import { type Fault, FaultQueue, type RequestRoute } from './fault.ts';
import { answerFault } from './fault-response.ts';
import { FIXTURE_CREATED_AT, FIXTURE_TASK_ID } from './fixture.ts';
import { answerQuery } from './query-route.ts';
import { randomHex } from './random-hex.ts';
import { fixtureRespData } from './resp-data.ts';
import { sampleVideo } from './sample-video.ts';
import { createTask, rememberTask, type SimTask, type TaskInit } from './sim-task.ts';
import { droppedConnection, SimulatorReset } from './simulator-reset.ts';
import type { SimState } from './state.ts';
import { answerVideo } from './video-route.ts';
import { isVideoPath, parseVideoPath } from './video-url.ts';

export interface SimulatorOptions {
  /** The Bearer token it accepts. Default `sim-token`. */
  token?: string;
  /** Default life of a task from submit to its outcome. Default 8000. */
  durationMs?: number;
  /** The clock every lifecycle and expiry is computed from. Default `Date.now`. */
  now?: () => number;
  /** How long a video URL lives after the query that returned it. Default one hour, as upstream. */
  urlTtlMs?: number;
  /** The bytes served as the video. Default the committed sample mp4. */
  video?: Uint8Array;
  /**
   * How many of the latest requests `requests` keeps (up to a tenth more between trims).
   * Default 50,000, a few MB: the bot benchmark counts about 10,000 queries from it.
   */
  keepRequests?: number;
}

export interface SimulatedRequest {
  method: string;
  path: string;
  at: number;
  taskId?: string;
}

export interface Simulator {
  /** The whole server, as a web-standard fetch handler. */
  fetch(request: Request): Promise<Response>;
  /** Seeds a task directly and returns its id (a decimal string above 2^63). */
  addTask(init?: TaskInit): string;
  /** Queues a scripted fault. */
  fault(fault: Fault): void;
  /**
   * The latest upstream or video requests received, oldest first (control requests excluded).
   * Capped near `keepRequests`, so a server left running (`npm start`) does not grow without end.
   */
  readonly requests: SimulatedRequest[];
  /** Forgets faults, requests and tasks, except the fixture task. */
  reset(): void;
  /**
   * For hosts that take a fetch handler with an error hook (`Bun.serve(sim)` finds it by
   * itself): a `reset` fault drops the connection instead of answering 500.
   */
  error(error: unknown): Response;
}

type Route =
  | { name: 'task'; taskId: string }
  | { name: 'create'; kind: CreateKind }
  | { name: 'video'; taskId?: string }
  | { name: 'other' };

function classify(method: string, pathname: string): Route {
  const create = /^\/task\/jimeng\/(text2video|image2video)$/.exec(pathname);
  if (create && method === 'POST') return { name: 'create', kind: create[1] as CreateKind };
  const [, queried] = /^\/task\/([^/]+)$/.exec(pathname) ?? [];
  if (queried && method === 'GET') return { name: 'task', taskId: decodePathSegment(queried) };
  if (isVideoPath(pathname) && (method === 'GET' || method === 'HEAD')) {
    return { name: 'video', taskId: parseVideoPath(pathname)?.taskId };
  }
  return { name: 'other' };
}

/** A malformed escape (`%E0%A4%A`) names no task: it must not crash the request. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function fixtureTask(): SimTask {
  const task = createTask(
    { id: FIXTURE_TASK_ID, createdAt: FIXTURE_CREATED_AT, durationMs: 0, seed: 1460981510 },
    { now: FIXTURE_CREATED_AT, durationMs: 0 },
  );
  return { ...task, aspectRatio: '9:16', respData: fixtureRespData(), keptForever: true };
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const now = options.now ?? Date.now;
  const state: SimState = {
    token: options.token ?? SIMULATOR_TOKEN,
    durationMs: options.durationMs ?? 8000,
    urlTtlMs: options.urlTtlMs ?? 3_600_000,
    urlSecret: randomHex(32),
    now,
    video: options.video ?? sampleVideo(),
    tasks: new Map([[FIXTURE_TASK_ID, fixtureTask()]]),
  };
  const faults = new FaultQueue();
  const requests: SimulatedRequest[] = [];
  const keepRequests = options.keepRequests ?? 50_000;

  async function answer(request: Request, route: Route, origin: string, entry: SimulatedRequest) {
    if (route.name === 'video') return answerVideo(state, request, new URL(request.url).pathname);
    const at = now();
    if (route.name === 'other') {
      return proxyError(
        404,
        `Invalid URL (${request.method} ${new URL(request.url).pathname})`,
        at,
      );
    }
    const refused = checkBearer(request, state.token, at);
    if (refused) return refused;
    if (route.name === 'task') return answerQuery(state, route.taskId, origin);
    const created = await answerCreate(state, route.kind, request);
    if (created.taskId) entry.taskId = created.taskId;
    return created.response;
  }

  const sim: Simulator = {
    requests,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname.startsWith(CONTROL_PREFIX)) return answerControl(sim, request, url.pathname);
      const route = classify(request.method, url.pathname);
      const entry: SimulatedRequest = { method: request.method, path: url.pathname, at: now() };
      if ('taskId' in route && route.taskId !== undefined) entry.taskId = route.taskId;
      requests.push(entry);
      // Trimmed in batches: dropping one entry per request moves the whole array every time.
      if (requests.length > keepRequests + Math.max(1, Math.floor(keepRequests / 10))) {
        requests.splice(0, requests.length - keepRequests);
      }
      const normal = () => answer(request, route, url.origin, entry);
      const refusedByProxy =
        route.name === 'other' ||
        ((route.name === 'task' || route.name === 'create') && !hasBearer(request, state.token));
      const fault = faults.take({ route: route.name satisfies RequestRoute, refusedByProxy });
      if (!fault) return normal();
      const taskId = route.name === 'task' ? route.taskId : undefined;
      return answerFault(fault, { request, state, origin: url.origin, taskId, answer: normal });
    },
    addTask(init = {}) {
      const task = createTask(init, { now: now(), durationMs: state.durationMs });
      rememberTask(state.tasks, task, now());
      return task.id;
    },
    fault(fault) {
      faults.push(fault);
    },
    reset() {
      faults.clear();
      requests.length = 0;
      state.tasks.clear();
      state.tasks.set(FIXTURE_TASK_ID, fixtureTask());
    },
    error(error) {
      if (error instanceof SimulatorReset) return droppedConnection();
      return new Response(String(error), {
        status: 500,
        headers: { 'content-type': 'text/plain' },
      });
    },
  };
  return sim;
}
