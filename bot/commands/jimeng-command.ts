import type {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { imageAspectRatios, MAX_PROMPT_LENGTH, MAX_TASK_ID_LENGTH } from '../../src/index.ts';

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
