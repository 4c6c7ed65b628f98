import type {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import {
  type AspectRatio,
  assertTaskId,
  InvalidTaskIdError,
  imageAspectRatios,
  isJimengError,
  MAX_PROMPT_LENGTH,
  MAX_TASK_ID_LENGTH,
  parseCreateVideoOptions,
} from '../../src/index.ts';
import { type CreateRequest, createVideoOptions } from '../jobs/job.ts';
import { invalidOptionText, invalidTaskIdText } from '../replies/messages.ts';

// Plain JSON, typed by discord-api-types (its enums as checked literals: the Worker shares this
// file and must not bundle them). What the gateway bot answers, what the Worker answers over
// HTTP, and what `bot:register` registers, once for both.
const SubCommand = 1 satisfies ApplicationCommandOptionType.Subcommand;
const StringOption = 3 satisfies ApplicationCommandOptionType.String;
const IntegerOption = 4 satisfies ApplicationCommandOptionType.Integer;
const AttachmentOption = 11 satisfies ApplicationCommandOptionType.Attachment;

/** `/jimeng`. Limits live in the definition, so Discord enforces them before a bot sees anything. */
export const jimengCommand = {
  type: 1 satisfies ApplicationCommandType.ChatInput,
  name: 'jimeng',
  description: 'Jimeng AI videos, posted here when they are ready',
  options: [
    {
      type: SubCommand,
      name: 'result',
      description: 'Follow an existing task and post its video',
      options: [
        {
          type: StringOption,
          name: 'task_id',
          description: 'The task id, e.g. 14117763723766220057',
          required: true,
          max_length: MAX_TASK_ID_LENGTH,
        },
      ],
    },
    {
      type: SubCommand,
      name: 'create',
      description: 'Generate a video from a prompt (and an image, optionally)',
      options: [
        {
          type: StringOption,
          name: 'prompt',
          description: 'What the video shows',
          required: true,
          max_length: MAX_PROMPT_LENGTH,
        },
        {
          type: StringOption,
          name: 'aspect_ratio',
          description: 'Shape of the video (default 16:9; 9:21 needs an image)',
          required: false,
          choices: imageAspectRatios.map((ratio) => ({ name: ratio, value: ratio })),
        },
        {
          type: IntegerOption,
          name: 'seed',
          description: 'Same seed and prompt, similar video (-1: random)',
          required: false,
          min_value: -1,
          max_value: 2 ** 32 - 1,
        },
        {
          type: AttachmentOption,
          name: 'image',
          description: 'Animate this image (image-to-video)',
          required: false,
        },
      ],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

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
