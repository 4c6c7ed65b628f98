import type {
  APIApplicationCommandInteraction,
  APIInteractionResponse,
  APIInteractionResponseChannelMessageWithSource,
} from 'discord-api-types/v10';
import type { Context } from 'hono';
import { invalidOptionText } from '../../bot/messages.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { readJimengInput } from './jimeng-input.ts';

/** A reply only the user sees (flag 64, ephemeral): how refusals are said. */
export const privately = (content: string) =>
  ({
    type: 4,
    data: { content, flags: 64, allowed_mentions: { parse: [] } },
  }) satisfies APIInteractionResponseChannelMessageWithSource;

/**
 * The answer to a slash command, as the HTTP response itself (Discord wants it within 3 s):
 * bad input is refused privately with no call to the provider; anything else is deferred.
 */
export async function answerCommand(
  _c: Context<AppEnv>,
  interaction: APIApplicationCommandInteraction,
): Promise<APIInteractionResponse> {
  const data = interaction.data;
  if (data.type !== 1 || data.name !== 'jimeng') {
    return privately(invalidOptionText(`Unknown command /${data.name}.`));
  }
  const input = readJimengInput(data);
  if (!input.ok) return privately(input.text);
  throw new EdgeError(503, 'configuration_error', 'Following tasks from Discord is not ready yet.');
}
