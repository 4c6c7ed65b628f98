import type { ChatInputCommandInteraction } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { CommandContext } from './context.ts';
import * as jimeng from './jimeng.ts';

export interface Command {
  /** The definition as Discord takes it: plain JSON, shared with the Worker. */
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
}

/** Every slash command, by name: what `register.ts` sends and what the bot answers. */
export const commands: ReadonlyMap<string, Command> = new Map([[jimeng.data.name, jimeng]]);
