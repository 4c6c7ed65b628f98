import type { ChatInputCommandInteraction, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import type { CommandContext } from './context.ts';
import * as jimeng from './jimeng.ts';

export interface Command {
  data: Pick<SlashCommandOptionsOnlyBuilder, 'name' | 'toJSON'>;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
}

/** Every slash command, by name: what `register.ts` sends and what the bot answers. */
export const commands: ReadonlyMap<string, Command> = new Map([[jimeng.data.name, jimeng]]);
