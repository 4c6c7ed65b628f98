import type {
  APIApplicationCommandInteractionDataOption,
  APIAttachment,
  APIChatInputApplicationCommandInteractionData,
} from 'discord-api-types/v10';
import type { CreateRequest } from '../../bot/jobs/job.ts';
import { invalidOptionText, invalidTaskIdText } from '../../bot/replies/messages.ts';
import {
  type AspectRatio,
  assertTaskId,
  InvalidTaskIdError,
  isJimengError,
  parseCreateVideoOptions,
} from '../../src/index.ts';

/** What a `/jimeng` command asks for, or the private answer that refuses it before any call. */
export type JimengInput =
  | { ok: true; kind: 'result'; taskId: string }
  | { ok: true; kind: 'create'; request: CreateRequest }
  | { ok: false; text: string };

type Option = APIApplicationCommandInteractionDataOption;

/** Reads `/jimeng result` and `/jimeng create` from the interaction's data, as Discord sends it. */
export function readJimengInput(data: APIChatInputApplicationCommandInteractionData): JimengInput {
  const sub = data.options?.find((option) => option.type === 1);
  const options = sub && 'options' in sub ? (sub.options ?? []) : [];
  const value = (name: string) =>
    (options.find((option) => option.name === name) as (Option & { value?: unknown }) | undefined)
      ?.value;
  if (sub?.name === 'result') return readResult(String(value('task_id') ?? ''));
  if (sub?.name === 'create') {
    const imageId = value('image');
    const image = typeof imageId === 'string' ? data.resolved?.attachments?.[imageId] : undefined;
    return readCreate(value('prompt'), value('aspect_ratio'), value('seed'), image);
  }
  return { ok: false, text: invalidOptionText(`Unknown subcommand ${sub?.name ?? '(none)'}.`) };
}

function readResult(input: string): JimengInput {
  try {
    return { ok: true, kind: 'result', taskId: assertTaskId(input.trim()) };
  } catch (error) {
    const problem = error instanceof InvalidTaskIdError ? error.problem : '';
    return { ok: false, text: invalidTaskIdText(input, problem || 'not a task id') };
  }
}

function readCreate(
  prompt: unknown,
  aspectRatio: unknown,
  seed: unknown,
  image: APIAttachment | undefined,
): JimengInput {
  if (image && !image.content_type?.startsWith('image/')) {
    return {
      ok: false,
      text: invalidOptionText(`\`${image.filename}\` is not an image: attach a PNG, JPEG or WebP.`),
    };
  }
  const request: CreateRequest = {
    prompt: String(prompt ?? ''),
    aspectRatio: typeof aspectRatio === 'string' ? (aspectRatio as AspectRatio) : undefined,
    seed: typeof seed === 'number' ? seed : undefined,
    imageUrl: image?.url,
  };
  // The same rules the core applies, checked before deferring so a mistake stays private.
  try {
    parseCreateVideoOptions({
      prompt: request.prompt,
      aspectRatio: request.aspectRatio,
      seed: request.seed,
      imageUrls: request.imageUrl ? [request.imageUrl] : undefined,
    });
  } catch (error) {
    if (!isJimengError(error)) throw error;
    return { ok: false, text: invalidOptionText(error.message) };
  }
  return { ok: true, kind: 'create', request };
}
