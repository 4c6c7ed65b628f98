import { dimensionsOf } from './aspect-ratio.ts';
import { FIXTURE_RESP_DATA } from './fixture.ts';
import type { SimTask } from './sim-task.ts';

interface InferCtx {
  infer_ctx: { params: Record<string, unknown> } & Record<string, unknown>;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `2025-05-02T01:19:16.657311524+08:00`: Beijing time with nanoseconds, as the provider writes. */
function beijingIso(at: number): string {
  const local = new Date(at + BEIJING_OFFSET_MS).toISOString().slice(0, 23);
  return `${local}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}+08:00`;
}

/**
 * A done task's `resp_data`: JSON inside a string, shaped like the fixture's (every key the
 * provider sends, in its order), with this task's prompt, ratio, seed and size.
 */
export function respDataFor(task: SimTask): string {
  if (task.respData !== undefined) return task.respData;
  const ctx = JSON.parse(FIXTURE_RESP_DATA) as InferCtx;
  const { width, height } = dimensionsOf(task.aspectRatio);
  Object.assign(ctx.infer_ctx.params, {
    aspect_ratio: task.aspectRatio,
    fps: 24,
    frames: 121,
    width,
    height,
    input_image_url: task.imageUrls?.[0] ?? '',
    ori_prompt: task.prompt,
    req_key: task.reqKey,
    seed: task.seed,
    // The provider's internal copy of the video, unreachable from outside like the real one.
    video_url: `https://tosv.byted.org/obj/ic-cv-seed-t2v/x2v/${task.innerRequestId}_0.mp4`,
  });
  Object.assign(ctx.infer_ctx, {
    created_at: beijingIso(task.createdAt),
    request_id: task.innerRequestId,
    time_stamp: String(Math.floor(task.createdAt / 1000)),
  });
  return JSON.stringify(ctx);
}
