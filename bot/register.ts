// `npm run bot:register`: sends the slash command definitions to Discord, globally, or to one
// guild when DISCORD_GUILD_ID is set (guild commands update at once; global ones may take a while).
// `-- --interactions-url https://…/discord/interactions` also makes that URL the application's
// Interactions Endpoint: Discord then POSTs the commands to the Worker instead of the gateway.
import { parseArgs } from 'node:util';
import { REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import { isHttpURL } from '../src/index.ts';
import { commands } from './commands/index.ts';
import { readRegisterConfig } from './config.ts';

function fail(line: string): never {
  console.error(`jimeng-bot register: ${line}`);
  process.exit(1);
}

let interactionsURL: string | undefined;
try {
  const { values } = parseArgs({ options: { 'interactions-url': { type: 'string' } } });
  interactionsURL = values['interactions-url']?.trim();
} catch (error) {
  fail(`${(error as Error).message} The only option is --interactions-url <https URL>.`);
}
if (interactionsURL !== undefined && !isHttpURL(interactionsURL)) {
  fail(
    "--interactions-url must be the Worker's https URL of /discord/interactions, like https://jimeng-task-edge.example.workers.dev/discord/interactions.",
  );
}

const config = readRegisterConfig(process.env);
if (!config.ok) fail(config.problem);
const { discordToken: token, discordApiURL: api, guildId } = config;

const rest = new REST(api ? { api } : {}).setToken(token);
// Plain JSON, the same definition the Worker answers to.
const body = [...commands.values()].map((command) => command.data);
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

if (interactionsURL !== undefined) {
  try {
    // Discord checks the endpoint before saving it: a forged PING must get a 401, a signed one
    // `{ "type": 1 }`.
    await rest.patch(Routes.currentApplication(), {
      body: { interactions_endpoint_url: interactionsURL },
    });
    console.log(
      `Interactions Endpoint URL set to ${interactionsURL}: Discord now sends the commands there, not to a gateway bot.`,
    );
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType) {
      fail(
        `Discord could not verify ${interactionsURL}: it must refuse a badly signed PING with 401 and answer a signed one. Deploy the Worker with DISCORD_PUBLIC_KEY set to this application's public key, and DISCORD_APPLICATION_ID (if set) to its id (docs/bot.md, Which bot to run), then run this again.`,
      );
    }
    fail(`setting the Interactions Endpoint URL failed: ${String(e.message ?? error)}`);
  }
}
