import {
  BOT_PERMISSIONS,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  DEFAULT_USER_ID,
  type Json,
  testUser,
  textChannel,
  type World,
} from './payloads.ts';

export interface InteractionOption {
  name: string;
  /** Discord's option type: 3 string, 4 integer, 5 boolean, 10 number, 11 attachment (value = its id). */
  type: number;
  value: string | number | boolean;
}

export interface InteractionAttachment {
  id: string;
  filename: string;
  url: string;
  contentType: string;
  size: number;
}

export interface InteractionInit {
  commandName: string;
  /** Wraps `options` in a subcommand option (`type: 1`). */
  subcommand?: string;
  options?: InteractionOption[];
  /** Resolved attachments, referred to by the `value` of attachment options (type 11). */
  attachments?: InteractionAttachment[];
  userId?: string;
  /** Bytes per attachment the reply may carry; default 10 MiB. */
  attachmentSizeLimit?: number;
  /** Bitfield string of what the bot may do in the channel; default view/send/embed/attach/threads. */
  appPermissions?: string;
}

export interface InteractionIds {
  id: string;
  token: string;
  /** The id of the registered command of that name, or a fresh one. */
  commandId: string;
}

/** The `d` of an INTERACTION_CREATE for a chat-input command used in the fake's text channel. */
export function interactionPayload(world: World, init: InteractionInit, ids: InteractionIds): Json {
  const options = init.options ?? [];
  const attachments = init.attachments ?? [];
  return {
    id: ids.id,
    application_id: world.applicationId,
    type: 2,
    token: ids.token,
    version: 1,
    data: {
      id: ids.commandId,
      name: init.commandName,
      type: 1,
      options: init.subcommand ? [{ type: 1, name: init.subcommand, options }] : options,
      ...(attachments.length > 0
        ? {
            resolved: {
              attachments: Object.fromEntries(
                attachments.map((file) => [
                  file.id,
                  {
                    id: file.id,
                    filename: file.filename,
                    url: file.url,
                    proxy_url: file.url,
                    content_type: file.contentType,
                    size: file.size,
                  },
                ]),
              ),
            },
          }
        : {}),
    },
    guild_id: world.guildId,
    guild: { id: world.guildId, locale: 'en-US', features: [] },
    channel_id: world.channelId,
    channel: textChannel(world),
    member: {
      user: testUser(init.userId ?? DEFAULT_USER_ID),
      roles: [],
      permissions: BOT_PERMISSIONS,
      joined_at: '2025-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    },
    app_permissions: init.appPermissions ?? BOT_PERMISSIONS,
    locale: 'en-US',
    guild_locale: 'en-US',
    attachment_size_limit: init.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
    // discord.js reads these two without a guard.
    entitlements: [],
    authorizing_integration_owners: { '0': world.guildId },
    context: 0,
  };
}
