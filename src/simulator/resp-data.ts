import { FIXTURE_RESP_DATA } from './fixture.ts';
import { SAMPLE_VIDEO_PARAMS } from './sample-video.ts';
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
 * The fixture's `resp_data` (every key the provider sends, in its order), saying what the
 * served video is: the sample's size, frame rate and frames, not the provider's 1280x720 and
 * 5 s, which the bots would print over a 1.5 s clip.
 */
function fixtureContext(): InferCtx {
  const ctx = JSON.parse(FIXTURE_RESP_DATA) as InferCtx;
  Object.assign(ctx.infer_ctx.params, SAMPLE_VIDEO_PARAMS);
  return ctx;
}

/** The fixture task's own `resp_data`: the provider's, but for the video. */
export function fixtureRespData(): string {
  return JSON.stringify(fixtureContext());
}

/** A done task's `resp_data`: JSON inside a string, with this task's prompt, ratio and seed. */
export function respDataFor(task: SimTask): string {
  if (task.respData !== undefined) return task.respData;
  const ctx = fixtureContext();
  Object.assign(ctx.infer_ctx.params, {
    aspect_ratio: task.aspectRatio,
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
