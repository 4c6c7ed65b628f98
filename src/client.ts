import * as v from 'valibot';
import { type Clock, systemClock } from './clock.ts';
import {
  type CreateVideoOptions,
  CreateVideoOptionsSchema,
  hasImages,
} from './create-video-options.ts';
import { type Deadline, startDeadline } from './deadline.ts';
import { type DownloadedVideo, type DownloadOptions, downloadVideo } from './download-video.ts';
import { InvalidRequestError, UpstreamError } from './errors.ts';
import { type WaitOptions, waitForTask } from './poll.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { type Task, toTask } from './task.ts';
import { assertTaskId, taskPath } from './task-id.ts';
import { createTransport } from './transport.ts';
import { readEnvelope } from './upstream-response.ts';
import { UpstreamTaskDataSchema } from './upstream-schema.ts';
import { withRetries } from './with-retries.ts';

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

export interface CreatedTask {
  taskId: string;
  requestId: string | null;
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
    /^https?:\/\//i.test(baseURL),
    `baseURL must be an http(s) URL, got ${JSON.stringify(baseURL)}`,
  );
  const retries = options.retries ?? defaultRetryPolicy.retries;
  assertOption(
    Number.isInteger(retries) && retries >= 0 && retries <= 10,
    'retries must be an integer from 0 to 10',
  );
  assertTimeout(options.timeoutMs);
  const policy: RetryPolicy = { ...defaultRetryPolicy, retries };
  const transport = createTransport({ baseURL, token: options.token, fetch: options.fetch });
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const call = (timeoutMs: number | undefined, signal: AbortSignal | undefined) => {
    assertTimeout(timeoutMs);
    const ms = timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return { deadline: startDeadline(clock, { signal, timeoutMs: ms }), timeoutMs: ms };
  };

  /** One query under an existing deadline, shared by getTask and the polling loop. */
  const queryTask = (
    id: string,
    deadline: Deadline,
    timeoutMs: number | undefined,
  ): Promise<Task> => {
    const action = `querying task ${id}`;
    return withRetries(
      async (signal) => {
        const queriedAt = clock.now();
        const response = await transport.send({ method: 'GET', path: taskPath(id), signal });
        const { envelope, json, requestId } = readEnvelope(response, {
          taskId: id,
          action,
          now: clock.now(),
          redact: transport.redact,
          hasToken: transport.hasToken,
        });
        const data = v.safeParse(UpstreamTaskDataSchema, envelope.data);
        if (!data.success) {
          throw new UpstreamError(
            `The provider reported success but sent no task data while ${action}.`,
            {
              taskId: id,
              requestId,
              httpStatus: response.status,
              retryable: true,
            },
          );
        }
        return toTask(id, data.output, requestId ?? null, json, queriedAt);
      },
      { clock, deadline, policy, action, taskId: id, timeoutMs },
    );
  };

  return {
    async getTask(id, { signal, timeoutMs } = {}) {
      assertTaskId(id);
      const { deadline, timeoutMs: ms } = call(timeoutMs, signal);
      return queryTask(id, deadline, ms);
    },

    async waitForTask(id, waitOptions = {}) {
      assertTaskId(id);
      return waitForTask(id, waitOptions, { clock, query: queryTask });
    },

    async createVideo(input, { signal, timeoutMs } = {}) {
      const parsed = v.safeParse(CreateVideoOptionsSchema, input);
      if (!parsed.success) {
        throw new InvalidRequestError(
          `Invalid video request: ${v.summarize(parsed.issues).replaceAll('\n', '; ')}.`,
        );
      }
      const o = parsed.output;
      const path = hasImages(o) ? '/task/jimeng/image2video' : '/task/jimeng/text2video';
      const body = {
        prompt: o.prompt,
        aspect_ratio: o.aspectRatio,
        seed: o.seed,
        image_urls: o.imageUrls,
        binary_data_base64: o.imagesBase64,
      };
      const action = 'submitting a video task';
      const { deadline, timeoutMs: ms } = call(timeoutMs, signal);
      return withRetries(
        async (attemptSignal) => {
          const response = await transport.send({
            method: 'POST',
            path,
            body,
            signal: attemptSignal,
          });
          const context = {
            action,
            now: clock.now(),
            redact: transport.redact,
            hasToken: transport.hasToken,
          };
          const { envelope, requestId } = readEnvelope(response, context);
          const taskId = readTaskId(envelope.data, response.text);
          if (!taskId) {
            throw new UpstreamError(
              'The provider accepted the task but its answer carried no task id.',
              {
                requestId,
                httpStatus: response.status,
              },
            );
          }
          return { taskId, requestId: requestId ?? null };
        },
        {
          clock,
          deadline,
          policy,
          action,
          timeoutMs: ms,
          // Submitting is billed and not idempotent: only an explicit "not now" is safe to retry.
          canRetry: (error) => error.code === 'rate_limited',
        },
      );
    },

    downloadVideo(task, downloadOptions = {}) {
      return downloadVideo(task, downloadOptions, { clock, fetch: fetchImpl });
    },
  };
}

/** The id is a JSON string; should it ever come as a number, read its digits from the text. */
function readTaskId(data: unknown, text: string): string | undefined {
  const id = (data as { task_id?: unknown } | null | undefined)?.task_id;
  if (typeof id === 'string' && id) return id;
  if (typeof id === 'number') return /"task_id"\s*:\s*(\d+)/.exec(text)?.[1];
  return undefined;
}

function assertOption(ok: boolean, message: string): asserts ok {
  if (!ok) throw new InvalidRequestError(`Invalid client option: ${message}.`);
}

function assertTimeout(timeoutMs: number | undefined) {
  if (timeoutMs === undefined) return;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new InvalidRequestError(
      `Invalid option: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`,
    );
  }
}
