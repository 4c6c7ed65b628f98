import { type Task, UpstreamError } from '../src/index.ts';
import { EdgeError } from './errors.ts';

/** Statuses a video host answers for a link that has expired. */
export const DEAD_LINK_STATUSES = new Set([403, 404, 410]);

/** What a player needs of the host's answer; nothing else of the host's crosses. */
const PASSED_HEADERS = [
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
];

/**
 * The provider's video streamed through this origin, one `Range` passed on, for pages whose
 * CSP allows media from `'self'` alone (the watch page without R2): a redirect there would be
 * blocked, and would hand out the provider's link. The bytes are not held: they flow as they
 * come. `timeoutMs` bounds the wait for the host's answer, not the stream.
 */
export async function relayVideo(task: Task, request: Request, timeoutMs: number) {
  const url = task.videoUrl;
  if (!url) throw new Error('relayVideo needs a task with its video link');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const range = request.headers.get('range');
  let answer: Response;
  try {
    answer = await fetch(url, {
      headers: range ? { range } : {},
      signal: controller.signal,
    });
  } catch {
    throw new UpstreamError(
      controller.signal.aborted
        ? `The video host did not answer within ${timeoutMs} ms for task ${task.id}. Try again in a moment.`
        : `Could not reach the video host for task ${task.id}. Try again in a moment.`,
      { taskId: task.id },
    );
  } finally {
    clearTimeout(timer);
  }
  if (!answer.ok && answer.status !== 416) {
    await answer.body?.cancel();
    if (DEAD_LINK_STATUSES.has(answer.status)) {
      throw new EdgeError(
        410,
        'video_expired',
        `The provider's link to the video of task ${task.id} no longer works. Bind an R2 bucket as VIDEOS to keep videos.`,
      );
    }
    throw new UpstreamError(
      `The video host answered HTTP ${answer.status} for task ${task.id}. Try again in a moment.`,
      { taskId: task.id, httpStatus: answer.status },
    );
  }
  const headers = new Headers();
  for (const name of PASSED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const type = answer.headers.get('content-type') ?? '';
  headers.set('content-type', type.startsWith('video/') ? type : 'video/mp4');
  headers.set('x-content-type-options', 'nosniff');
  // The bytes of a finished video never change; the link behind them dies within the hour.
  headers.set('cache-control', 'private, max-age=3600');
  return new Response(answer.body, { status: answer.status, headers });
}
