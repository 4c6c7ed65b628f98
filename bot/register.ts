// `npm run bot:register`: sends the slash command definitions to Discord, globally, or to one
// guild when DISCORD_GUILD_ID is set (guild commands update at once; global ones may take a while).
import { REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import { commands } from './commands/index.ts';
import { readRegisterConfig } from './config.ts';

function fail(line: string): never {
  console.error(`jimeng-bot register: ${line}`);
  process.exit(1);
}

const config = readRegisterConfig(process.env);
if (!config.ok) fail(config.problem);
const { discordToken: token, discordApiURL: api, guildId } = config;

const rest = new REST(api ? { api } : {}).setToken(token);
const body = [...commands.values()].map((command) => command.data.toJSON());
try {
  // The application id is the bot's own, so it needs no separate setting.
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  const route = guildId
    ? Routes.applicationGuildCommands(application.id, guildId)
    : Routes.applicationCommands(application.id);
  const saved = (await rest.put(route, { body })) as unknown[];
  console.log(
    `Registered ${saved.length} command(s) ${guildId ? `in guild ${guildId}` : 'globally'}: ${body.map((c) => `/${c.name}`).join(', ')}`,
  );
} catch (error) {
  const e = error as { status?: unknown; code?: unknown; message?: unknown };
  if (e.status === 401) fail('Discord refused DISCORD_TOKEN (401 Unauthorized).');
  if (guildId && e.code === RESTJSONErrorCodes.MissingAccess) {
    fail(
      `Discord refused to register in guild ${guildId} (Missing Access): the bot is not in that server, or was invited without the applications.commands scope. Invite it with the bot and applications.commands scopes (docs/bot.md, Setup), or check DISCORD_GUILD_ID.`,
    );
  }
  fail(`registration failed: ${String(e.message ?? error)}`);
}
