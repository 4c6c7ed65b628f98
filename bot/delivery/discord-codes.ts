import type { RESTJSONErrorCodes } from 'discord-api-types/v10';

/**
 * The JSON error codes the delivery switches on. Plain numbers checked against
 * discord-api-types at compile time: the Worker shares this file, and importing the enums
 * would bundle all of them (~23 KB gzip).
 */
export const DiscordCodes = {
  UnknownChannel: 10003 satisfies RESTJSONErrorCodes.UnknownChannel,
  UnknownMessage: 10008 satisfies RESTJSONErrorCodes.UnknownMessage,
  UnknownWebhook: 10015 satisfies RESTJSONErrorCodes.UnknownWebhook,
  UnknownInteraction: 10062 satisfies RESTJSONErrorCodes.UnknownInteraction,
  RequestEntityTooLarge: 40005 satisfies RESTJSONErrorCodes.RequestEntityTooLarge,
  MissingAccess: 50001 satisfies RESTJSONErrorCodes.MissingAccess,
  MissingPermissions: 50013 satisfies RESTJSONErrorCodes.MissingPermissions,
  InvalidWebhookToken: 50027 satisfies RESTJSONErrorCodes.InvalidWebhookToken,
} as const;

/**
 * Discord's answers that mean "this interaction token is no use any more". Unknown Message is
 * the reply itself deleted (by a moderator, or the user): nothing is left to edit, so the video
 * goes to the channel rather than nowhere.
 */
export const deadTokenCodes: ReadonlySet<number> = new Set([
  DiscordCodes.InvalidWebhookToken,
  DiscordCodes.UnknownWebhook,
  DiscordCodes.UnknownInteraction,
  DiscordCodes.UnknownMessage,
]);

/** Discord's answers that mean the bot may not post in the job's channel after all. */
export const channelRefusalCodes: ReadonlySet<number> = new Set([
  DiscordCodes.MissingPermissions,
  DiscordCodes.MissingAccess,
  DiscordCodes.UnknownChannel,
]);

/** Permission bits (Discord's "Permissions" page), as bigints like the `app_permissions` field. */
export const PermissionBits = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  AttachFiles: 1n << 15n,
  SendMessagesInThreads: 1n << 38n,
} as const;
