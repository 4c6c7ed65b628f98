import {
  type AspectRatio,
  assertTaskId,
  InvalidTaskIdError,
  isJimengError,
  parseCreateVideoOptions,
} from '../../src/index.ts';
import { type CreateRequest, createVideoOptions } from '../jobs/job.ts';
import { invalidOptionText, invalidTaskIdText } from '../replies/messages.ts';

// The rules `/jimeng`'s input must meet beyond what its definition makes Discord enforce, for
// the gateway bot and the Worker alike: a refusal is said privately, before any call.

/** Bad input, answered privately before any call to the provider. */
export type Refusal = { ok: false; text: string };

/** `/jimeng result task_id`: the id as the core checks it. */
export function readResult(taskIdInput: string): { ok: true; taskId: string } | Refusal {
  try {
    return { ok: true, taskId: assertTaskId(taskIdInput.trim()) };
  } catch (error) {
    const problem = error instanceof InvalidTaskIdError ? error.problem : '';
    return { ok: false, text: invalidTaskIdText(taskIdInput, problem || 'not a task id') };
  }
}

export interface CreateOptions {
  prompt: string;
  aspectRatio?: string | undefined;
  seed?: number | undefined;
  image?: { name: string; contentType: string | null | undefined; url: string } | undefined;
}

/** `/jimeng create`: image attachments only, and the core's own rules for the rest. */
export function readCreate(options: CreateOptions): { ok: true; request: CreateRequest } | Refusal {
  const { image } = options;
  if (image && !image.contentType?.startsWith('image/')) {
    return {
      ok: false,
      text: invalidOptionText(`\`${image.name}\` is not an image: attach a PNG, JPEG or WebP.`),
    };
  }
  const request: CreateRequest = {
    prompt: options.prompt,
    aspectRatio: options.aspectRatio as AspectRatio | undefined,
    seed: options.seed,
    imageUrl: image?.url,
  };
  // Checked before deferring, so a mistake stays private.
  try {
    parseCreateVideoOptions(createVideoOptions(request));
  } catch (error) {
    if (!(isJimengError(error) && error.code === 'invalid_request')) throw error;
    return { ok: false, text: invalidOptionText(error.message) };
  }
  return { ok: true, request };
}

export function unknownSubcommandText(name: string | undefined): string {
  return invalidOptionText(`Unknown subcommand ${name ?? '(none)'}.`);
}
