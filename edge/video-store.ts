import { type JimengClient, type Task, TimeoutError } from '../src/index.ts';
import { MAX_VIDEO_BYTES } from './settings.ts';
import { sharedFlight } from './shared-flight.ts';

const keyFor = (taskId: string) => `videos/${taskId}.mp4`;

const DOWNLOAD_TIMEOUT_MS = 60_000;

/** Whether the video of `taskId` is kept in R2: what `archived` says. */
export async function isVideoStored(bucket: R2Bucket, taskId: string): Promise<boolean> {
  return (await bucket.head(keyFor(taskId))) !== null;
}

/** A copy in progress is joined, not repeated, by other requests for the same video. */
const copying = sharedFlight<string, void>(
  DOWNLOAD_TIMEOUT_MS + 30_000,
  (id) =>
    new TimeoutError(`Copying the video of task ${id} to storage did not finish in time.`, {
      taskId: id,
    }),
);

/**
 * Copies the finished video into R2 once. The provider's link dies about an hour after the
 * query; the R2 object does not, so `/task/:id/video` keeps working long after.
 */
export function storeVideo(bucket: R2Bucket, client: JimengClient, task: Task): Promise<void> {
  return copying(task.id, async () => {
    // A request that missed R2 may arrive here after another finished the copy.
    if (await isVideoStored(bucket, task.id)) return;
    const video = await client.downloadVideo(task, {
      maxBytes: MAX_VIDEO_BYTES,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    await bucket.put(keyFor(task.id), video.bytes, {
      httpMetadata: {
        contentType: video.contentType.startsWith('video/') ? video.contentType : 'video/mp4',
      },
      customMetadata: {
        taskId: task.id,
        ...(task.requestId ? { requestId: task.requestId } : {}),
        ...describedBy(task),
      },
    });
  });
}

/** What the watch page shows about a stored video, kept beside it. */
export interface StoredVideoInfo {
  prompt: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
}

/** R2 allows 2 KB of custom metadata: a long prompt is cut (400 UTF-16 units, 1,200 bytes at most). */
const MAX_PROMPT_KEPT = 400;

function describedBy(task: Task): Record<string, string> {
  const params = task.params;
  const kept: Record<string, string> = {};
  if (params?.prompt) kept.prompt = params.prompt.slice(0, MAX_PROMPT_KEPT);
  if (params?.width) kept.width = String(params.width);
  if (params?.height) kept.height = String(params.height);
  if (params?.durationSeconds) kept.durationSeconds = String(params.durationSeconds);
  return kept;
}

/**
 * The stored video's description, without its bytes; undefined when not stored. The task
 * may be long forgotten by the provider (12 hours): what the page needs is kept here.
 */
export async function storedVideoInfo(
  bucket: R2Bucket,
  taskId: string,
): Promise<StoredVideoInfo | undefined> {
  const head = await bucket.head(keyFor(taskId));
  if (!head) return undefined;
  const meta = head.customMetadata ?? {};
  const number = (value: string | undefined) => (value ? Number(value) || null : null);
  return {
    prompt: meta.prompt || null,
    width: number(meta.width),
    height: number(meta.height),
    durationSeconds: number(meta.durationSeconds),
  };
}

/** A single byte range as a client asks for it: `a-b` or `a-` (`first`), or `-n` (`suffix`). */
interface AskedRange {
  first?: number;
  suffix?: number;
}

/**
 * The one kind of `Range` served: a single `bytes=a-b`, `a-` or `-n`. Another unit, several
 * ranges or a malformed one is ignored, as RFC 9110 asks (the whole video, 200): R2 would
 * answer some of them with the whole object as a 206 that says `bytes`.
 */
function askedRange(header: string | null): AskedRange | undefined {
  const match = /^bytes=(?:(\d+)-(\d*)|-(\d+))$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const [, first, last, suffix] = match;
  if (suffix !== undefined) return { suffix: Number(suffix) };
  if (last && Number(last) < Number(first)) return undefined;
  return { first: Number(first) };
}

/**
 * The stored video, honouring a single `Range` so players can seek; undefined when not stored.
 * R2 parses the Range header itself; what it cannot satisfy is answered 416.
 */
export async function serveStoredVideo(
  bucket: R2Bucket,
  taskId: string,
  request: Request,
): Promise<Response | undefined> {
  const range = askedRange(request.headers.get('range'));
  const refused = async () => {
    const head = await bucket.head(keyFor(taskId));
    return head ? unsatisfiable(head.size) : undefined;
  };
  // The last 0 bytes: nothing to send, which R2 would take for the whole object.
  if (range?.suffix === 0) return refused();
  let object: R2ObjectBody | null;
  try {
    object = (await bucket.get(keyFor(taskId), {
      range: range ? request.headers : undefined,
    })) as R2ObjectBody | null;
  } catch {
    // R2 refuses a range it cannot satisfy with an error, not a status.
    return refused();
  }
  if (!object) return undefined;
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('etag', object.httpEtag);
  headers.set('accept-ranges', 'bytes');
  // The bytes of a finished video never change.
  headers.set('cache-control', 'private, max-age=31536000, immutable');
  if (range && object.range) {
    const { offset, length } = resolveRange(object.range, object.size);
    // Some R2 implementations answer a range starting past the end with the whole object.
    if (length <= 0 || (range.first !== undefined && range.first >= object.size)) {
      await object.body.cancel();
      return unsatisfiable(object.size);
    }
    headers.set('content-range', `bytes ${offset}-${offset + length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  return new Response(object.body, { status: 200, headers });
}

function unsatisfiable(size: number): Response {
  return new Response(null, {
    status: 416,
    headers: { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' },
  });
}

function resolveRange(range: R2Range, size: number): { offset: number; length: number } {
  if ('suffix' in range && range.suffix !== undefined) {
    const length = Math.min(range.suffix, size);
    return { offset: size - length, length };
  }
  const offset = ('offset' in range ? range.offset : undefined) ?? 0;
  const length = ('length' in range ? range.length : undefined) ?? size - offset;
  return { offset, length: Math.min(length, size - offset) };
}
