import * as v from 'valibot';
import { normaliseStatus, type TaskStatus } from './task-status.ts';
import { RespDataSchema, type UpstreamTaskData } from './upstream-schema.ts';
import { videoUrlExpiresAt } from './video-url.ts';

/** The generation parameters read from `resp_data`. */
export interface TaskParams {
  prompt: string | null;
  negativePrompt: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  frames: number | null;
  durationSeconds: number | null;
  seed: number | null;
  aspectRatio: string | null;
  modelKey: string | null;
}

/** A task as this library reports it: plain data, safe to `JSON.stringify` and send anywhere. */
export interface Task {
  /** Exactly the id that was asked for (never round-tripped through a number). */
  id: string;
  status: TaskStatus;
  /** The provider's own `data.status`, untouched. */
  upstreamStatus: string | null;
  videoUrl: string | null;
  /** ISO time after which `videoUrl` no longer works. */
  videoUrlExpiresAt: string | null;
  imageUrls: string[];
  imagesBase64: string[];
  /** Null when `resp_data` is absent or does not parse; `raw` still holds it. */
  params: TaskParams | null;
  requestId: string | null;
  /** ISO time of the query this snapshot came from. */
  checkedAt: string;
  /** The upstream body as received. */
  raw: unknown;
}

export function toTask(
  id: string,
  data: UpstreamTaskData,
  requestId: string | null,
  raw: unknown,
  queriedAt: number,
): Task {
  const videoUrl = data.video_url?.trim() ? data.video_url : null;
  return {
    id,
    status: normaliseStatus(data.status),
    upstreamStatus: data.status ?? null,
    videoUrl,
    videoUrlExpiresAt: videoUrl
      ? new Date(videoUrlExpiresAt(videoUrl, queriedAt)).toISOString()
      : null,
    imageUrls: data.image_urls ?? [],
    imagesBase64: data.binary_data_base64 ?? [],
    params: parseRespData(data.resp_data),
    requestId,
    checkedAt: new Date(queriedAt).toISOString(),
    raw,
  };
}

type RespParams = NonNullable<v.InferOutput<typeof RespDataSchema>['infer_ctx']['params']>;

export function parseRespData(respData: string | null | undefined): TaskParams | null {
  if (!respData) return null;
  let json: unknown;
  try {
    json = JSON.parse(respData);
  } catch {
    return null;
  }
  const parsed = v.safeParse(RespDataSchema, json);
  if (!parsed.success) return null;
  const p: Partial<RespParams> = parsed.output.infer_ctx.params ?? {};
  const fps = p.fps ?? null;
  const frames = p.frames ?? null;
  return {
    prompt: p.ori_prompt || p.translate_prompt || null,
    negativePrompt: p.negative_prompt || null,
    width: p.width || null,
    height: p.height || null,
    fps,
    frames,
    durationSeconds: fps && frames ? Math.round((frames / fps) * 100) / 100 : null,
    seed: p.seed ?? null,
    aspectRatio: p.aspect_ratio || null,
    modelKey: p.req_key || null,
  };
}
