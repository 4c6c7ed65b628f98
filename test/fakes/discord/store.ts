import { discordErrors } from './errors.ts';
import type { UploadedFile } from './multipart.ts';
import {
  type Attachment,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  type Json,
  messagePayload,
  type World,
} from './payloads.ts';
import { createSnowflakes } from './snowflake.ts';

/** Message flag bits Discord sets itself. */
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

export interface InteractionState {
  id: string;
  token: string;
  attachmentSizeLimit: number;
  acknowledged: boolean;
  expired: boolean;
  originalMessageId?: string;
}

interface StoredMessage {
  json: Json;
  webhookId?: string;
}

/** What the fake remembers between calls: interactions, messages, uploads and commands. */
export class Store {
  readonly nextId = createSnowflakes();
  readonly interactions = new Map<string, InteractionState>();
  readonly messages = new Map<string, StoredMessage>();
  readonly uploads = new Map<string, UploadedFile>();
  /** Never reassigned: the last registered command set, handed to tests as `commands`. */
  readonly commands: unknown[] = [];
  readonly registered = new Map<string, Json[]>();
  readonly world: World;

  // A plain field, not a parameter property: Node 22 runs this file by stripping types only.
  constructor(world: World) {
    this.world = world;
  }

  addInteraction(id: string, token: string, attachmentSizeLimit?: number): void {
    this.interactions.set(token, {
      id,
      token,
      attachmentSizeLimit: attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      acknowledged: false,
      expired: false,
    });
  }

  /** The interaction behind a webhook token; Discord answers 50027 for expired or unknown ones. */
  webhook(applicationId: string, token: string): InteractionState {
    if (applicationId !== this.world.applicationId) throw discordErrors.unknownWebhook();
    const interaction = this.interactions.get(token);
    if (!interaction || interaction.expired) throw discordErrors.invalidWebhookToken();
    return interaction;
  }

  /** The interaction of a callback; past its deadline Discord no longer knows it (10062). */
  callbackTarget(id: string, token: string): InteractionState {
    const interaction = this.interactions.get(token);
    if (!interaction || interaction.id !== id || interaction.expired) {
      throw discordErrors.unknownInteraction();
    }
    return interaction;
  }

  /** Stores files as attachments served by the fake, after Discord's per-file size check. */
  attach(channelId: string, files: UploadedFile[], sizeLimit: number): Attachment[] {
    if (files.some((file) => file.bytes.byteLength > sizeLimit)) throw discordErrors.tooLarge();
    return files.map((file) => {
      const id = this.nextId();
      this.uploads.set(id, file);
      const url = `${this.world.baseURL}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
      return {
        id,
        filename: file.name,
        size: file.bytes.byteLength,
        url,
        proxy_url: url,
        content_type: file.contentType,
      };
    });
  }

  createMessage(
    channelId: string,
    body: Json,
    attachments: Attachment[],
    webhookId?: string,
  ): Json {
    const id = this.nextId();
    const json = messagePayload({ id, channelId, world: this.world, webhookId }, body, attachments);
    this.messages.set(id, { json, webhookId });
    return json;
  }

  /**
   * With `enforce_nonce`, Discord returns the author's earlier message carrying the same nonce
   * (within a few minutes) instead of creating another: how a retried post stays single.
   */
  messageWithNonce(channelId: string, body: Json): Json | undefined {
    if (body.enforce_nonce !== true || body.nonce == null) return undefined;
    for (const { json, webhookId } of this.messages.values()) {
      if (!webhookId && json.channel_id === channelId && json.nonce === body.nonce) return json;
    }
    return undefined;
  }

  /**
   * Applies an edit. An `attachments` array in the body lists the attachments to keep (by id)
   * besides the new files; without it the old ones stay. An edit ends a deferred "thinking" state.
   */
  editMessage(id: string, body: Json, attachments: Attachment[]): Json {
    const stored = this.message(id);
    const previous = stored.json;
    const old = (previous.attachments as Attachment[] | undefined) ?? [];
    const keep = Array.isArray(body.attachments)
      ? old.filter((a) => (body.attachments as Json[]).some((k) => String(k.id) === a.id))
      : old;
    const flags =
      (typeof body.flags === 'number' ? body.flags : Number(previous.flags ?? 0)) & ~LOADING;
    const json = messagePayload(
      {
        id,
        channelId: String(previous.channel_id),
        world: this.world,
        webhookId: stored.webhookId,
      },
      { ...body, flags },
      [...keep, ...attachments],
      previous,
    );
    stored.json = json;
    return json;
  }

  message(id: string): StoredMessage {
    const stored = this.messages.get(id);
    if (!stored) throw discordErrors.unknownMessage();
    return stored;
  }

  /** Resolves `@original` to the message the interaction's callback created. */
  webhookMessageId(interaction: InteractionState, messageId: string): string {
    if (messageId !== '@original') return messageId;
    if (!interaction.originalMessageId) throw discordErrors.unknownMessage();
    return interaction.originalMessageId;
  }

  /** The original response a callback of type 4 (reply) or 5 (deferred) creates. */
  createOriginal(interaction: InteractionState, type: number, data: Json, files: UploadedFile[]) {
    const flags = Number(data.flags ?? 0) & EPHEMERAL;
    const attachments = this.attach(this.world.channelId, files, interaction.attachmentSizeLimit);
    const body = type === 5 ? { flags: flags | LOADING } : { ...data, flags };
    const message = this.createMessage(
      this.world.channelId,
      body,
      attachments,
      this.world.applicationId,
    );
    interaction.originalMessageId = String(message.id);
    return message;
  }

  /** Takes an endpoint's answer as the interaction's response: a reply (4) or a deferral (5). */
  acknowledge(token: string, answer: unknown): void {
    const interaction = this.interactions.get(token);
    const { type, data } = (answer ?? {}) as { type?: unknown; data?: Json };
    if (!interaction || (type !== 4 && type !== 5)) return;
    this.createOriginal(interaction, type, data ?? {}, []);
    interaction.acknowledged = true;
  }

  registerCommands(scope: string, definitions: Json[], guildId?: string): Json[] {
    const before = this.registered.get(scope) ?? [];
    const commands = definitions.map((definition) => ({
      type: 1,
      default_member_permissions: null,
      ...definition,
      id: before.find((c) => c.name === definition.name)?.id ?? this.nextId(),
      application_id: this.world.applicationId,
      version: this.nextId(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    this.registered.set(scope, commands);
    this.commands.splice(0, this.commands.length, ...commands);
    return commands;
  }

  commandId(name: string): string {
    for (const commands of this.registered.values()) {
      const found = commands.find((c) => c.name === name);
      if (found) return String(found.id);
    }
    return this.nextId();
  }
}
