import type { Clock } from './clock.ts';
import { assertTimeoutMs, deadlineError, startAttempt, startDeadline } from './deadline.ts';
import {
  InvalidRequestError,
  isJimengError,
  type JimengError,
  TooLargeError,
  UpstreamError,
} from './errors.ts';
import { failureReason } from './failure-reason.ts';
import { mib } from './mib.ts';
import type { Task } from './task.ts';

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 5 * 60 * 1000;

export interface DownloadOptions {
  /** Stop reading and reject with `too_large` past this many bytes. */
  maxBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  onProgress?: ((progress: { received: number; total: number | null }) => void) | undefined;
}

export interface DownloadedVideo {
  bytes: Uint8Array;
  contentType: string;
  size: number;
}

interface DownloadDeps {
  clock: Clock;
  fetch: typeof globalThis.fetch;
}

/**
 * Fetches the finished video with a byte cap. The provider's links die about an hour after the
 * query, so whoever must keep a video downloads it promptly. No Authorization header goes to
 * the video host: it is a CDN, not the provider's API.
 */
export async function downloadVideo(
  task: Pick<Task, 'videoUrl'> & Partial<Task>,
  options: DownloadOptions,
  deps: DownloadDeps,
): Promise<DownloadedVideo> {
  // downloadVideo(waitForTask(id)), the await forgotten, would otherwise read "no video yet".
  const pending = typeof (task as { then?: unknown } | null)?.then === 'function';
  if (pending || typeof task !== 'object' || task === null) {
    throw new InvalidRequestError(
      pending
        ? 'downloadVideo got a promise, not a task: await waitForTask (or getTask) first.'
        : `downloadVideo needs a task (or an object with its videoUrl), got ${task === null ? 'null' : typeof task}.`,
    );
  }
  const taskId = task.id;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxBytes > 0)) throw new InvalidRequestError('Invalid option: maxBytes must be positive.');
  const url = task.videoUrl;
  if (!url) {
    const which = taskId ? `Task ${taskId}` : 'The task';
    throw new InvalidRequestError(
      task.status === 'done'
        ? `${which} is done but the provider sent no video link with it. Query the task again for one.`
        : `${which} has no video yet (status: ${task.status ?? 'unknown'}). Wait for it to be done first.`,
      { taskId },
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  assertTimeoutMs(timeoutMs, taskId);
  const deadline = startDeadline(deps.clock, { signal: options.signal, timeoutMs });
  const attempt = startAttempt(deps.clock, deadline);
  const what = `downloading the video${taskId ? ` of task ${taskId}` : ''}`;
  try {
    let response: Response;
    try {
      response = await deps.fetch(url, { signal: attempt.signal, redirect: 'follow' });
    } catch (cause) {
      if (deadline.reason()) throw deadlineError(deadline, what, { taskId, timeoutMs });
      const reason = failureReason(cause);
      throw new UpstreamError(`Could not reach the video host while ${what}: ${reason}.`, {
        taskId,
        cause,
      });
    }
    return await readBody(response, {
      maxBytes,
      taskId,
      what,
      expiresAt: task.videoUrlExpiresAt ?? null,
      // The client's clock, not Date.now(): the task's expiry was read on that clock.
      now: deps.clock.now(),
      onProgress: options.onProgress,
    });
  } catch (error) {
    if (
      deadline.reason() &&
      !(isJimengError(error) && ['timeout', 'aborted'].includes(error.code))
    ) {
      throw deadlineError(deadline, what, { taskId, timeoutMs });
    }
    throw error;
  } finally {
    attempt.dispose();
  }
}

interface ReadContext {
  maxBytes: number;
  taskId: string | undefined;
  what: string;
  expiresAt: string | null;
  /** When the answer came, on the client's clock. */
  now: number;
  onProgress: DownloadOptions['onProgress'];
}

async function readBody(response: Response, context: ReadContext): Promise<DownloadedVideo> {
  const { maxBytes, taskId } = context;
  const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new UpstreamError(statusMessage(response.status, context), {
      taskId,
      httpStatus: response.status,
    });
  }
  // A page, an API answer or a plain "Access denied": whatever a host says in text is not a video.
  if (/^\s*text\/|json|xml/i.test(contentType)) {
    await response.body?.cancel().catch(() => {});
    throw notVideo(contentType, context);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(declared) ? declared : null;
  if (total !== null && total > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(total, context);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  if (reader) {
    try {
      for (;;) {
        const { done, value } = await readChunk(reader, received, response.status, context);
        if (done) break;
        if (received === 0 && looksLikeMarkup(value)) throw notVideo(contentType, context);
        received += value.byteLength;
        if (received > maxBytes) throw tooLarge(received, context, true);
        chunks.push(value);
        context.onProgress?.({ received, total });
      }
    } catch (error) {
      // Whatever ends the read early (a page, the cap, a throwing onProgress), hang up on the
      // host: an unread body keeps its connection open.
      await reader.cancel().catch(() => {});
      throw error;
    }
  }
  if (received === 0)
    throw new UpstreamError(`The video host sent an empty body while ${context.what}.`, { taskId });
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, contentType, size: received };
}

/** A host that hangs up mid-body makes fetch throw a bare `TypeError: terminated`. */
async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  received: number,
  httpStatus: number,
  context: ReadContext,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (cause) {
    throw new UpstreamError(
      `The video host broke off after ${received} bytes while ${context.what} (${failureReason(cause)}). Try again.`,
      { taskId: context.taskId, httpStatus, cause },
    );
  }
}

function statusMessage(status: number, context: ReadContext): string {
  const expired = context.expiresAt !== null && Date.parse(context.expiresAt) <= context.now;
  const hint =
    status === 403 || status === 404 || status === 410
      ? expired
        ? ` The link expired at ${context.expiresAt}: query the task again for a fresh one.`
        : ' The link may have expired: query the task again for a fresh one.'
      : ' Try again later.';
  return `The video host answered HTTP ${status} while ${context.what}.${hint}`;
}

function notVideo(contentType: string, context: ReadContext): JimengError {
  return new UpstreamError(
    `The video host sent a page (${contentType}) instead of a video while ${context.what}; the link is probably expired or blocked.`,
    { taskId: context.taskId },
  );
}

function tooLarge(bytes: number, context: ReadContext, partial = false): JimengError {
  const size = partial ? `more than ${mib(context.maxBytes)}` : mib(bytes);
  return new TooLargeError(
    `The video is ${size}, over the ${mib(context.maxBytes)} limit while ${context.what}; share its link instead.`,
    { taskId: context.taskId },
  );
}

function looksLikeMarkup(chunk: Uint8Array): boolean {
  let i = 0;
  while (
    i < chunk.length &&
    (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)
  )
    i++;
  return chunk[i] === 0x3c; // '<'
}
