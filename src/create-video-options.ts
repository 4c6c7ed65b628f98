import * as v from 'valibot';

/** The provider's limit, counted in characters as people count them (code points). */
export const MAX_PROMPT_LENGTH = 150;
export const textAspectRatios = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
/** image2video also takes 9:21. */
export const imageAspectRatios = [...textAspectRatios, '9:21'] as const;
export type AspectRatio = (typeof imageAspectRatios)[number];

const httpUrl = v.pipe(
  v.string(),
  v.url('each image URL must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'each image URL must use http or https'),
);

export const CreateVideoOptionsSchema = v.pipe(
  v.strictObject(
    {
      prompt: v.pipe(
        v.string('prompt must be a string'),
        v.trim(),
        v.nonEmpty('prompt must not be empty'),
        v.check(
          (prompt) => [...prompt].length <= MAX_PROMPT_LENGTH,
          `prompt must be at most ${MAX_PROMPT_LENGTH} characters`,
        ),
      ),
      aspectRatio: v.optional(
        v.picklist(imageAspectRatios, `aspectRatio must be one of ${imageAspectRatios.join(', ')}`),
      ),
      seed: v.optional(
        v.pipe(
          v.number('seed must be a number'),
          v.integer('seed must be an integer'),
          v.minValue(-1, 'seed must be -1 (random) or a non-negative integer'),
          v.maxValue(2 ** 32 - 1, 'seed must fit in 32 bits'),
        ),
      ),
      imageUrls: v.optional(v.pipe(v.array(httpUrl), v.maxLength(4, 'at most 4 image URLs'))),
      imagesBase64: v.optional(
        v.pipe(
          v.array(v.pipe(v.string(), v.nonEmpty('an image must not be empty'))),
          v.maxLength(4, 'at most 4 images'),
        ),
      ),
    },
    (issue) =>
      issue.expected === 'never'
        ? `unknown option ${issue.received}`
        : 'the options must be an object with a prompt',
  ),
  v.check(
    (options) => options.aspectRatio !== '9:21' || hasImages(options),
    'aspectRatio 9:21 is only available for image-to-video (give imageUrls or imagesBase64)',
  ),
);

export type CreateVideoOptions = v.InferInput<typeof CreateVideoOptionsSchema>;

export function hasImages(options: {
  imageUrls?: string[] | undefined;
  imagesBase64?: string[] | undefined;
}) {
  return Boolean(options.imageUrls?.length || options.imagesBase64?.length);
}
