import { IMAGE2VIDEO_RATIOS, TEXT2VIDEO_RATIOS } from './aspect-ratio.ts';
import { readBodyWithin } from './body-limit.ts';
import { businessError, jsonResponse, successBody } from './envelope.ts';
import { nginxPage } from './nginx-page.ts';
import { createTask, rememberTask, type TaskInit } from './sim-task.ts';
import type { SimState } from './state.ts';

export type CreateKind = 'text2video' | 'image2video';

/** The documented limit, in characters. */
const MAX_PROMPT_LENGTH = 150;

// Prompt markers that script a task from the outside, through the real create endpoint.
const MODERATION_MARKER = '[moderation]';
const FAIL_MARKER = '[fail]';

type Validated = { init: TaskInit } | { invalid: string };

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
}

/** The provider's documented body rules; what it rejects gets 50215. */
function validate(kind: CreateKind, body: unknown): Validated {
  if (typeof body !== 'object' || body === null) return { invalid: 'body must be a JSON object' };
  const { prompt, aspect_ratio, seed, image_urls, binary_data_base64 } = body as Record<
    string,
    unknown
  >;
  if (typeof prompt !== 'string' || prompt.trim() === '') return { invalid: 'prompt is required' };
  if ([...prompt].length > MAX_PROMPT_LENGTH) {
    return { invalid: `prompt must be at most ${MAX_PROMPT_LENGTH} characters` };
  }
  const ratios: readonly string[] = kind === 'image2video' ? IMAGE2VIDEO_RATIOS : TEXT2VIDEO_RATIOS;
  if (
    aspect_ratio !== undefined &&
    (typeof aspect_ratio !== 'string' || !ratios.includes(aspect_ratio))
  ) {
    return { invalid: `aspect_ratio must be one of ${ratios.join(', ')}` };
  }
  if (seed !== undefined && !Number.isSafeInteger(seed))
    return { invalid: 'seed must be an integer' };
  const init: TaskInit = { prompt };
  if (typeof aspect_ratio === 'string') init.aspectRatio = aspect_ratio;
  if (typeof seed === 'number') init.seed = seed;
  if (kind === 'image2video') {
    // Base64 wins when both are sent; its images are not echoed back as URLs.
    if (isStringList(binary_data_base64)) init.imageUrls = [];
    else if (isStringList(image_urls)) init.imageUrls = image_urls;
    else return { invalid: 'image_urls or binary_data_base64 is required' };
  }
  return { init };
}

/** `POST /task/jimeng/{text2video,image2video}`: validates, stores the task, answers its id. */
export async function answerCreate(
  state: SimState,
  kind: CreateKind,
  request: Request,
): Promise<{ response: Response; taskId?: string }> {
  const at = state.now();
  const bytes = await readBodyWithin(request);
  // The proxy's nginx refuses an oversized body itself, before the provider sees it.
  if (!bytes) return { response: nginxPage(413) };
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { response: businessError(50215, 400, at, 'Invalid request body: not JSON') };
  }
  const checked = validate(kind, body);
  if ('invalid' in checked) {
    return { response: businessError(50215, 400, at, `Input invalid: ${checked.invalid}`) };
  }
  const { init } = checked;
  if (init.prompt?.includes(MODERATION_MARKER)) return { response: businessError(50412, 400, at) };
  if (init.prompt?.includes(FAIL_MARKER)) init.outcome = 'failed';
  const task = createTask(init, { now: at, durationMs: state.durationMs });
  if (kind === 'image2video') task.reqKey = 'vgfm_i2v_l20';
  rememberTask(state.tasks, task, at);
  return { response: jsonResponse(successBody({ task_id: task.id }, at)), taskId: task.id };
}
