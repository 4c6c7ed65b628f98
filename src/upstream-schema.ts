import * as v from 'valibot';

/**
 * The upstream envelope, read leniently: only what we act on is checked, and other fields are
 * dropped from the output (`v.object` ignores them rather than copying them): the body stays
 * untouched in `Task.raw`. `code` comes first: when it is not 10000, `data` may be null.
 */
export const UpstreamEnvelopeSchema = v.object({
  code: v.number(),
  message: v.optional(v.nullable(v.string())),
  request_id: v.optional(v.nullable(v.string())),
  data: v.optional(v.unknown()),
});
export type UpstreamEnvelope = v.InferOutput<typeof UpstreamEnvelopeSchema>;

// Absent, null or not a list of strings: an empty list (a new one each time), never a reason
// to lose the task. Absent and null are the provider's usual answers, so they take the
// defaults: a fallback alone would build a validation issue for every query.
const emptyList = () => [];
const stringList = v.fallback(
  v.optional(v.nullable(v.array(v.string()), emptyList), emptyList),
  emptyList,
);

export const UpstreamTaskDataSchema = v.object({
  status: v.optional(v.nullable(v.string())),
  // JSON inside a string, and the provider's own example of it does not parse.
  resp_data: v.optional(v.nullable(v.string())),
  video_url: v.optional(v.nullable(v.string())),
  image_urls: stringList,
  binary_data_base64: stringList,
});
export type UpstreamTaskData = v.InferOutput<typeof UpstreamTaskDataSchema>;

/** The proxy in front of the provider answers some errors (a bad token) in its own shape. */
export const ProxyErrorSchema = v.object({
  error: v.object({
    message: v.optional(v.nullable(v.string())),
  }),
});

// Only the fields we read are kept (v.object drops the other fifty): the whole string stays in `raw`.
// Each falls back to null on its own: one field of an unexpected type ("fps": "24") must not
// cost the task the prompt, seed and size.
const optionalNumber = v.fallback(v.nullable(v.number()), null);
const optionalString = v.fallback(v.nullable(v.string()), null);

export const RespDataSchema = v.object({
  infer_ctx: v.object({
    params: v.optional(
      v.object({
        ori_prompt: optionalString,
        translate_prompt: optionalString,
        negative_prompt: optionalString,
        width: optionalNumber,
        height: optionalNumber,
        fps: optionalNumber,
        frames: optionalNumber,
        seed: optionalNumber,
        aspect_ratio: optionalString,
        req_key: optionalString,
      }),
    ),
  }),
});
