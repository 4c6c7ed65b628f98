import {
  type ChatInputCommandInteraction,
  InteractionResponseType,
  REST,
  Routes,
} from 'discord.js';

/**
 * A REST client for interaction endpoints only: the callback and the webhook routes an
 * interaction token opens. Discord documents them as not bound to the bot's 50 requests per
 * second global limit, but discord.js counts every call against it, so under a burst of
 * commands its queue would hold defers past the 3-second answer limit. Per-route limits and
 * 429s are still honoured by this client's own queue. It carries no bot token: these routes
 * authenticate by the interaction token in the path.
 */
export function createInteractionRest(api: string | undefined): REST {
  return new REST({ ...(api ? { api } : {}), globalRequestsPerSecond: 10_000 });
}

/** `deferReply()`, sent through the interaction REST so it never waits behind other calls. */
export async function deferReply(
  rest: REST,
  interaction: ChatInputCommandInteraction,
): Promise<void> {
  await rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
    auth: false,
    body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
  });
  // Keeps discord.js's own view in step, so its reply/followUp helpers choose correctly.
  interaction.deferred = true;
}
