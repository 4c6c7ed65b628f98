import type { Context } from 'hono';
import { isTerminalStatus, type JimengError, TimeoutError } from '../../src/index.ts';
import { cacheTask, readCachedTask } from '../cache.ts';
import type { AppEnv } from '../env.ts';
import { type RenderedTask, renderTask } from '../rendered-task.ts';
import { assertKnown } from '../task-source.ts';
import { followerFor } from './follower-stub.ts';
import { type FollowerUpdate, fromWireError, readUpdate } from './follower-update.ts';

/** A caller's connection to the follower of one task. */
export interface TaskWatch {
  /**
   * The next update within `ms`; undefined once time runs out, the caller has left, or the
   * follower has ended the stream (the task settled, or the object restarted).
   */
  next(ms: number): Promise<FollowerUpdate | undefined>;
  /** Leaves: the follower forgets this watcher at once. */
  close(): void;
}

/**
 * Connects to the follower of task `id`, which sends what it knows at once (asking the
 * provider if it knows nothing) and then every later answer. One subrequest for the whole
 * wait, whatever its length. Settled tasks the follower reports are cached like any other.
 */
export async function watchTask(
  c: Context<AppEnv>,
  id: string,
  signal: AbortSignal,
): Promise<TaskWatch> {
  const leave = new AbortController();
  const response = await followerFor(c.env, id).fetch(
    `https://follower/watch?id=${encodeURIComponent(id)}`,
    { signal: leave.signal },
  );
  if (!response.ok || !response.body) {
    throw new Error(`the follower answered HTTP ${response.status}`);
  }
  const lines = readLines(response.body);
  let pending: Promise<IteratorResult<string>> | undefined;
  let ended = false;
  // The follower ends the stream itself right after a terminal state (or it has ended): then
  // leaving needs no abort, which would cost this request and the follower one each.
  let settled = false;
  const close = () => {
    if (ended) return;
    ended = true;
    signal.removeEventListener('abort', close);
    if (!settled) leave.abort();
    lines.return?.(undefined).catch(() => {});
  };
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();
  const { baseURL } = c.get('upstream');
  const keepsVideos = Boolean(c.env.VIDEOS);
  return {
    async next(ms) {
      if (ended) return undefined;
      if (!pending) {
        pending = lines.next();
        // A read left behind by a timeout may fail later, with nobody waiting for it.
        pending.catch(() => {});
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
      });
      try {
        const result = await Promise.race([pending, timeout]);
        if (result === 'timeout') return undefined;
        pending = undefined;
        if (result.done) {
          settled = true;
          close();
          return undefined;
        }
        const update = readUpdate(result.value);
        if (update.type === 'task' && isTerminalStatus(update.task.head.status)) {
          settled = true;
          // Not a done task whose copy is still on its way: the copy ends moments later, and
          // GET reads `archived` off R2 itself.
          const { head } = update.task;
          if (!(keepsVideos && head.status === 'done' && !head.archived)) {
            c.executionCtx.waitUntil(cacheTask(baseURL, update.task, keepsVideos).catch(() => {}));
          }
        }
        return update;
      } catch {
        // The connection to the follower broke (it restarted): the wait ends with what it has.
        close();
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
    close,
  };
}

/**
 * The lines of an NDJSON body, without their newlines. Decoded by hand rather than through
 * TextDecoderStream and a line-splitting TransformStream: with a thousand watchers in one
 * isolate, every stream stage each update passes through showed in the time to deliver it.
 */
async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line) yield line;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export interface SettleOptions {
  id: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Follower answers (queries) this wait rides at most: the caller gets what it has then. */
  maxPolls: number;
  onUpdate?: ((task: RenderedTask) => void) | undefined;
  /** The state the wait has seen already (the first update of an event stream). */
  seen?: RenderedTask | undefined;
}

/**
 * Reads updates until the task is terminal, time runs out or `maxPolls` answers have come,
 * and answers with the latest state either way, as `waitForTask` would: a failed task or one
 * still running is an answer, not an error. Missing and expired tasks, errors a later query
 * cannot cure, and a provider that never answered are errors.
 */
export async function settle(watch: TaskWatch, options: SettleOptions): Promise<RenderedTask> {
  const deadline = Date.now() + options.timeoutMs;
  let last = options.seen;
  let polls = 0;
  let failure: JimengError | undefined;
  while (!options.signal.aborted && polls < options.maxPolls) {
    const update = await watch.next(deadline - Date.now());
    if (!update) break;
    if (update.polled) polls++;
    if (update.type === 'error') {
      const error = fromWireError(update.error);
      if (!error.retryable) throw error;
      // Told to come back after the deadline: waiting for it would only end in a vaguer timeout.
      if (error.retryAfterMs !== undefined && error.retryAfterMs >= deadline - Date.now()) {
        throw error;
      }
      failure = error;
      continue;
    }
    last = update.task;
    options.onUpdate?.(last);
    if (isTerminalStatus(assertKnown(last.head).status)) return last;
  }
  if (last) return last;
  // Time ran out without one answer: what the provider said (429, 502…) is the honest status.
  if (failure) throw failure;
  throw new TimeoutError(
    `The provider did not answer in time while waiting for task ${options.id}. The task may still finish: ask again later.`,
    { taskId: options.id },
  );
}

/** The first update of a watch, as the answer a plain request would get: errors are thrown. */
export async function firstState(
  watch: TaskWatch,
  id: string,
  timeoutMs: number,
): Promise<RenderedTask> {
  const update = await watch.next(timeoutMs);
  if (!update) {
    throw new TimeoutError(`The provider did not answer in time while querying task ${id}.`, {
      taskId: id,
    });
  }
  if (update.type === 'error') throw fromWireError(update.error);
  return update.task;
}

/**
 * `?wait`: a settled task from the cache as it is, else the follower's updates until the task
 * settles or `timeoutMs` passes.
 */
export async function watchUntilSettled(
  c: Context<AppEnv>,
  id: string,
  timeoutMs: number,
): Promise<RenderedTask> {
  const { baseURL, redact } = c.get('upstream');
  const cached = await readCachedTask(baseURL, id, Boolean(c.env.VIDEOS)).catch(() => undefined);
  if (cached) return renderTask(cached, redact);
  const signal = c.req.raw.signal ?? new AbortController().signal;
  const watch = await watchTask(c, id, signal);
  try {
    return await settle(watch, {
      id,
      timeoutMs,
      signal,
      maxPolls: c.get('settings').followQueries,
    });
  } finally {
    watch.close();
  }
}
