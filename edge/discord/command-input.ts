import type {
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandInteractionData,
} from 'discord-api-types/v10';
import {
  type Refusal,
  readCreate,
  readResult,
  unknownSubcommandText,
} from '../../bot/commands/jimeng-input.ts';
import type { CreateRequest } from '../../bot/jobs/job.ts';

/** What a `/jimeng` command asks for, or the private answer that refuses it before any call. */
export type JimengInput =
  | { ok: true; kind: 'result'; taskId: string }
  | { ok: true; kind: 'create'; request: CreateRequest }
  | Refusal;

/**
 * Reads `/jimeng result` and `/jimeng create` from the interaction's data as Discord sends it,
 * with the rules the gateway bot applies (`bot/commands/jimeng-input.ts`).
 */
export function readJimengInput(data: APIChatInputApplicationCommandInteractionData): JimengInput {
  const sub = data.options?.find((option) => option.type === 1);
  const options = sub && 'options' in sub ? (sub.options ?? []) : [];
  const value = (name: string) =>
    (
      options.find((option) => option.name === name) as
        | (APIApplicationCommandInteractionDataOption & { value?: unknown })
        | undefined
    )?.value;
  const text = (name: string) => {
    const given = value(name);
    return typeof given === 'string' ? given : undefined;
  };
  if (sub?.name === 'result') {
    const input = readResult(text('task_id') ?? '');
    return input.ok ? { ok: true, kind: 'result', taskId: input.taskId } : input;
  }
  if (sub?.name === 'create') {
    const imageId = text('image');
    const image = imageId === undefined ? undefined : data.resolved?.attachments?.[imageId];
    const seed = value('seed');
    const input = readCreate({
      prompt: text('prompt') ?? '',
      aspectRatio: text('aspect_ratio'),
      seed: typeof seed === 'number' ? seed : undefined,
      image: image && { name: image.filename, contentType: image.content_type, url: image.url },
    });
    return input.ok ? { ok: true, kind: 'create', request: input.request } : input;
  }
  return { ok: false, text: unknownSubcommandText(sub?.name) };
}
