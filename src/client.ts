import type { ClientContext } from './client-context.ts';
import { type Clock, systemClock } from './clock.ts';
import { type CreatedTask, createVideo } from './create-video.ts';
import type { CreateVideoOptions } from './create-video-options.ts';
import { assertTimeoutMs, startDeadline } from './deadline.ts';
import { type DownloadedVideo, type DownloadOptions, downloadVideo } from './download-video.ts';
import { InvalidRequestError } from './errors.ts';
import { isHttpURL } from './http-url.ts';
import { queryTask } from './query-task.ts';
import { defaultRetryPolicy } from './retry-policy.ts';
import type { Task } from './task.ts';
import { createTransport } from './transport.ts';
import { type WaitOptions, waitForTask } from './wait-for-task.ts';

export type { CreatedTask } from './create-video.ts';

export const DEFAULT_BASE_URL = 'https://api.gpt.ge';
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface ClientOptions {
  /** The provider's API key, sent as a Bearer token and never shown anywhere. */
  token?: string | undefined;
  baseURL?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** Budget for one call (retries and waits included); `waitForTask` defaults to 15 minutes. */
  timeoutMs?: number | undefined;
  /** How many times a query is retried after a transient failure. */
  retries?: number | undefined;
  /** Time source, for tests and simulations. */
  clock?: Clock | undefined;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface JimengClient {
  getTask(id: string, options?: CallOptions): Promise<Task>;
  waitForTask(id: string, options?: WaitOptions): Promise<Task>;
  createVideo(options: CreateVideoOptions, call?: CallOptions): Promise<CreatedTask>;
  downloadVideo(
    task: Pick<Task, 'videoUrl'> & Partial<Task>,
    options?: DownloadOptions,
  ): Promise<DownloadedVideo>;
}

export function createClient(options: ClientOptions = {}): JimengClient {
  const clock = options.clock ?? systemClock;
  const baseURL = options.baseURL?.trim() || DEFAULT_BASE_URL;
  assertOption(
    // A URL fetch cannot parse fails each query as an outage, retried until the deadline.
    isHttpURL(baseURL),
    // The value is not shown: a key passed in the wrong place would end up in logs.
    'baseURL must be an http:// or https:// URL, like https://api.gpt.ge',
  );
  const retries = options.retries ?? defaultRetryPolicy.retries;
  assertOption(
    Number.isInteger(retries) && retries >= 0 && retries <= 10,
    'retries must be an integer from 0 to 10',
  );
  assertTimeoutMs(options.timeoutMs);
  // fetch trims a header's whitespace, so a token read with its newline is sent without it:
  // it must be redacted without it too.
  const token = options.token?.trim() || undefined;
  assertOption(
    token === undefined || /^[\x20-\x7e]+$/.test(token),
    // fetch cannot send such a header: every query would fail as an outage, and be retried.
    'token contains a line break, a control character or a non-ASCII character such as a curly quote (copied along with something else?)',
  );
  const context: ClientContext = {
    clock,
    policy: { ...defaultRetryPolicy, retries },
    transport: createTransport({ baseURL, token, fetch: options.fetch }),
  };
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const deadlineFor = (timeoutMs: number | undefined, signal: AbortSignal | undefined) => {
    assertTimeoutMs(timeoutMs);
    const ms = timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return { deadline: startDeadline(clock, { signal, timeoutMs: ms }), timeoutMs: ms };
  };

  return {
    async getTask(id, { signal, timeoutMs } = {}) {
      // queryTask checks the id before anything is sent, for this call and every poll.
      const call = deadlineFor(timeoutMs, signal);
      return queryTask(context, id, call.deadline, call.timeoutMs);
    },

    async waitForTask(id, waitOptions = {}) {
      return waitForTask(id, waitOptions, {
        clock,
        query: (taskId, deadline, ms) => queryTask(context, taskId, deadline, ms),
      });
    },

    async createVideo(input, { signal, timeoutMs } = {}) {
      const call = deadlineFor(timeoutMs, signal);
      return createVideo(context, input, call.deadline, call.timeoutMs);
    },

    downloadVideo(task, downloadOptions = {}) {
      return downloadVideo(task, downloadOptions, { clock, fetch: fetchImpl });
    },
  };
}

function assertOption(ok: boolean, message: string): asserts ok {
  if (!ok) throw new InvalidRequestError(`Invalid client option: ${message}.`);
}
