import * as v from 'valibot';
import { InvalidRequestError } from './errors.ts';
import { isHttpURL } from './http-url.ts';

/** The provider's limit, counted in characters as people count them (code points). */
export const MAX_PROMPT_LENGTH = 150;
export const textAspectRatios = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
/** image2video also takes 9:21. */
export const imageAspectRatios = [...textAspectRatios, '9:21'] as const;
export type AspectRatio = (typeof imageAspectRatios)[number];

const httpUrl = v.pipe(
  v.string(),
  v.check(isHttpURL, 'each image URL must be an absolute http or https URL'),
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
          v.check(
            (seed) => Number.isInteger(seed) && seed >= -1 && seed < 2 ** 32,
            'seed must be an integer from -1 (random) to 4294967295',
          ),
        ),
      ),
      imageUrls: v.optional(v.pipe(v.array(httpUrl), v.maxLength(4, 'at most 4 image URLs'))),
      imagesBase64: v.optional(
        v.pipe(
          v.array(
            v.pipe(
              v.string(),
              v.nonEmpty('an image must not be empty'),
              // A data: URL (FileReader's readAsDataURL) or a file path is not base64: the
              // provider would refuse it only after the upload.
              v.regex(
                /^[\w+/=\s-]+$/,
                'an image must be base64 alone: no data: prefix, path or URL',
              ),
            ),
          ),
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

/**
 * The options as they will be sent, or an `InvalidRequestError` saying in one sentence what is
 * wrong: the client and the edge's `POST /tasks` refuse input in the same words.
 */
export function parseCreateVideoOptions(
  input: unknown,
): v.InferOutput<typeof CreateVideoOptionsSchema> {
  // abortPipeEarly: one reason per field is enough ("not a URL", not also "not http").
  const parsed = v.safeParse(CreateVideoOptionsSchema, input, { abortPipeEarly: true });
  if (!parsed.success) {
    throw new InvalidRequestError(`Invalid video request: ${describeIssues(parsed.issues)}.`);
  }
  return parsed.output;
}

/** "prompt must be at most 150 characters; imageUrls.0: each image URL must be an absolute …". */
function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      const named = path === null || issue.message.includes(path.split('.')[0] ?? path);
      return named ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}
