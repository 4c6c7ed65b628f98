import { type ClientContext, responseContext } from './client-context.ts';
import {
  type CreateVideoOptions,
  hasImages,
  parseCreateVideoOptions,
} from './create-video-options.ts';
import type { Deadline } from './deadline.ts';
import { isJimengError, UpstreamError } from './errors.ts';
import { readEnvelope } from './upstream-response.ts';
import { withRetries } from './with-retries.ts';

export interface CreatedTask {
  taskId: string;
  requestId: string | null;
}

/** Checks the options, then submits text-to-video, or image-to-video when images are given. */
export function createVideo(
  context: ClientContext,
  input: CreateVideoOptions,
  deadline: Deadline,
  timeoutMs: number,
): Promise<CreatedTask> {
  const o = parseCreateVideoOptions(input);
  const path = hasImages(o) ? '/task/jimeng/image2video' : '/task/jimeng/text2video';
  const body = {
    prompt: o.prompt,
    aspect_ratio: o.aspectRatio,
    seed: o.seed,
    image_urls: o.imageUrls,
    binary_data_base64: o.imagesBase64,
  };
  const action = 'submitting a video task';
  // A submit sent and not yet answered: cut off now, it may still have gone through.
  let unanswered = false;
  return withRetries(
    async (signal) => {
      unanswered = true;
      const response = await context.transport.send({ method: 'POST', path, body, signal });
      unanswered = false;
      const { envelope, requestId } = readEnvelope(response, responseContext(context, action));
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
      ...context,
      // A hung submit is never retried, so cutting it short would only give up early on a
      // task that may already be created: one attempt may use the caller's whole budget.
      policy: { ...context.policy, attemptTimeoutMs: Infinity },
      deadline,
      action,
      timeoutMs,
      // Submitting is billed and not idempotent: only an explicit "not now" is safe to retry.
      canRetry: (error) => error.code === 'rate_limited',
    },
  ).catch((error: unknown) => {
    // Not for a cut during the wait after a 429, which said nothing was created.
    if (
      isJimengError(error) &&
      (error.code === 'timeout' || error.code === 'aborted') &&
      unanswered
    ) {
      error.message +=
        ' The task may have been created (and billed) without its id reaching us: wait a moment, or allow more time, before submitting again.';
    }
    throw error;
  });
}

/** The id is a JSON string; should it ever come as a number, read its digits from the text. */
function readTaskId(data: unknown, text: string): string | undefined {
  const id = (data as { task_id?: unknown } | null | undefined)?.task_id;
  if (typeof id === 'string' && id) return id;
  if (typeof id === 'number') return /"task_id"\s*:\s*(\d+)/.exec(text)?.[1];
  return undefined;
}
