/**
 * Builders of the Discord objects the fake hands to discord.js. They carry every field discord.js
 * 14 reads without a guard; the rest is left out.
 */

/** The ids and names of the one guild, channel and bot user the fake knows. */
export interface World {
  applicationId: string;
  guildId: string;
  channelId: string;
  botUserId: string;
  botRoleId: string;
  /** `http://127.0.0.1:PORT`, where the fake serves uploaded attachments. */
  baseURL: string;
}

export type Json = Record<string, unknown>;

/** Permission bits (see Discord's "Permissions" page); a bitfield travels as a decimal string. */
export const PermissionBits = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** What a bot posting videos needs in a channel: view, send, embed, attach, history, threads. */
export const BOT_PERMISSIONS = Object.values(PermissionBits)
  .reduce((all, bit) => all | bit, 0n)
  .toString();

export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_USER_ID = '1200000000000000001';

const JOINED_AT = '2025-01-01T00:00:00.000Z';

export function botUser(world: World): Json {
  return {
    id: world.botUserId,
    username: 'jimeng-bot',
    global_name: null,
    discriminator: '0000',
    avatar: null,
    bot: true,
    verified: true,
    mfa_enabled: false,
    flags: 0,
  };
}

export function testUser(id: string): Json {
  return { id, username: 'tester', global_name: 'Tester', discriminator: '0', avatar: null };
}

export function textChannel(world: World): Json {
  return {
    id: world.channelId,
    type: 0,
    guild_id: world.guildId,
    name: 'general',
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

function role(id: string, name: string, permissions: string, position: number): Json {
  return {
    id,
    name,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: position > 0,
    mentionable: false,
    flags: 0,
  };
}

export function readyPayload(world: World, sessionId: string, resumeGatewayURL: string): Json {
  return {
    v: 10,
    user: botUser(world),
    guilds: [{ id: world.guildId, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: resumeGatewayURL,
    shard: [0, 1],
    application: { id: world.applicationId, flags: 0 },
    private_channels: [],
    presences: [],
    _trace: ['fake-discord'],
  };
}

/** The guild as GUILD_CREATE brings it: the text channel, and the bot as a member of a role. */
export function guildCreatePayload(world: World): Json {
  return {
    id: world.guildId,
    name: 'Fake Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: DEFAULT_USER_ID,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    features: [],
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    vanity_url_code: null,
    max_members: 500_000,
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: 2,
    roles: [
      role(world.guildId, '@everyone', '0', 0),
      role(world.botRoleId, 'jimeng-bot', BOT_PERMISSIONS, 1),
    ],
    members: [
      {
        user: botUser(world),
        roles: [world.botRoleId],
        joined_at: JOINED_AT,
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    channels: [textChannel(world)],
    threads: [],
    emojis: [],
    stickers: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface Attachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
}

export interface MessageInit {
  id: string;
  channelId: string;
  world: World;
  /** Set for messages made through an interaction webhook. */
  webhookId?: string | undefined;
}

/** A message as Discord returns it after a create or edit, with `body` (the JSON payload) applied. */
export function messagePayload(
  init: MessageInit,
  body: Json,
  attachments: Attachment[],
  previous?: Json,
): Json {
  const now = new Date().toISOString();
  return {
    type: 0,
    tts: false,
    pinned: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    content: '',
    embeds: [],
    components: [],
    flags: 0,
    ...previous,
    ...pick(body, ['content', 'embeds', 'components', 'flags', 'tts', 'nonce']),
    id: init.id,
    channel_id: init.channelId,
    guild_id: init.world.guildId,
    author: botUser(init.world),
    attachments,
    timestamp: previous?.timestamp ?? now,
    edited_timestamp: previous ? now : null,
    ...(init.webhookId
      ? { webhook_id: init.webhookId, application_id: init.world.applicationId }
      : {}),
  };
}

function pick(body: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((key) => body[key] != null).map((key) => [key, body[key]]));
}
