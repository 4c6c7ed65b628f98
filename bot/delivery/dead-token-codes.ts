import { RESTJSONErrorCodes } from 'discord.js';

/**
 * Discord's answers that mean "this interaction token is no use any more". Unknown Message is
 * the reply itself deleted (by a moderator, or the user): nothing is left to edit, so the video
 * goes to the channel rather than nowhere.
 */
export const deadTokenCodes: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
]);
