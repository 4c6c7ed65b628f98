import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGateway, GATEWAY_PATH } from './gateway.ts';
import {
  createHttpInteractions,
  type HttpInteractionOptions,
  type HttpInteractionResult,
} from './http-interactions.ts';
import { type InteractionInit, interactionPayload } from './interaction.ts';
import { type RecordedRequest, Recorder } from './recorder.ts';
import { createRestHandler, type ScriptedFailure } from './rest.ts';
import { createInteractionSigner } from './signer.ts';
import { createSnowflakes } from './snowflake.ts';
import { Store } from './store.ts';

export type { HttpInteractionOptions, HttpInteractionResult } from './http-interactions.ts';
export type { InteractionAttachment, InteractionInit, InteractionOption } from './interaction.ts';
export type { UploadedFile } from './multipart.ts';
export { BOT_PERMISSIONS, PermissionBits } from './payloads.ts';
export type { RecordedRequest } from './recorder.ts';

export interface FakeDiscordOptions {
  /** The bot token clients must present; default `fake-discord-token`. */
  token?: string;
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  botUserId?: string;
  /** The HELLO heartbeat interval; long by default so tests see no heartbeats. */
  heartbeatIntervalMs?: number;
}

export interface FakeDiscord {
  /** What goes in `rest.api` / `DISCORD_API_URL`: `http://127.0.0.1:PORT/api` (discord.js appends `/v10`). */
  apiURL: string;
  gatewayURL: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  botUserId: string;
  /** Every REST call, in order. The bot token is never kept. */
  requests: RecordedRequest[];
  /**
   * When each video (an `<name>.mp4` upload) was first posted, by name without `.mp4`: once
   * `count` of them have been, or `timeoutMs` has passed. For benchmarks that count deliveries.
   */
  videosPosted(count: number, timeoutMs: number): Promise<Map<string, number>>;
  /** The last registered command definitions, with the ids the fake gave them. */
  commands: unknown[];
  /** The messages that exist now (replies and channel posts, not deleted ones), oldest first. */
  messages(): Record<string, unknown>[];
  /** Resolves when a client is identified and has READY + GUILD_CREATE (at once if one is). */
  ready(timeoutMs?: number): Promise<void>;
  /** Dispatches INTERACTION_CREATE for a chat-input command, once a client is identified. */
  sendInteraction(init: InteractionInit): Promise<{ id: string; token: string }>;
  /** The application's Ed25519 public key (hex): the Worker's DISCORD_PUBLIC_KEY. */
  publicKey: string;
  /** `X-Signature-Ed25519` for a body of one's own, signed with the application's key. */
  sign(timestamp: string, body: string): string;
  /**
   * POSTs a signed chat-input interaction to an Interactions Endpoint URL (default: the one
   * `PATCH /applications/@me` saved) and takes the HTTP answer as its response, as Discord does.
   */
  postInteraction(
    init: InteractionInit,
    options?: HttpInteractionOptions & { endpoint?: string },
  ): Promise<HttpInteractionResult>;
  /**
   * An interaction already answered with a deferral (`{ type: 5 }`), as if an endpoint had
   * taken it: its token's webhooks work, and `@original` shows "thinking".
   */
  deferredInteraction(attachmentSizeLimit?: number): { id: string; token: string };
  /** POSTs a signed PING to an Interactions Endpoint URL. */
  ping(options?: HttpInteractionOptions & { endpoint?: string }): Promise<HttpInteractionResult>;
  /** The Interactions Endpoint URL saved by `PATCH /applications/@me`, if any. */
  interactionsEndpointURL(): string | undefined;
  /** A request matching `predicate`, already recorded or the next one; rejects after the timeout. */
  waitFor(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /** From now on the token's webhooks answer 401 50027 and its callback 404 10062. */
  expireInteractionToken(token: string): void;
  /** Answers the next request matching `match` (path as in `RecordedRequest.path`) with `answer`. */
  failNext(match: ScriptedFailure['match'], answer: ScriptedFailure['answer']): void;
  /** Drops every gateway connection, as when the bot's process dies. */
  disconnectClients(): void;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const nextId = createSnowflakes();
  const token = options.token ?? 'fake-discord-token';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}`;
  const gatewayURL = `ws://127.0.0.1:${port}${GATEWAY_PATH}`;
  const world = {
    applicationId: options.applicationId ?? '1100000000000000001',
    guildId: options.guildId ?? '1100000000000000002',
    channelId: options.channelId ?? '1100000000000000003',
    botUserId: options.botUserId ?? options.applicationId ?? '1100000000000000001',
    botRoleId: nextId(),
    baseURL,
  };

  const recorder = new Recorder();
  const store = new Store(world);
  const failures: ScriptedFailure[] = [];
  const signer = createInteractionSigner();
  const http = createHttpInteractions({ world, store, signer, nextId });
  const endpoint: { url: string | undefined } = { url: undefined };
  const endpointFor = (given: string | undefined) => {
    const url = given ?? endpoint.url;
    if (!url) throw new Error('fake Discord: no Interactions Endpoint URL given or saved');
    return url;
  };
  const gateway = createGateway({
    world,
    token,
    url: gatewayURL,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 45_000,
  });
  const handle = createRestHandler({
    world,
    token,
    gatewayURL,
    store,
    recorder,
    failures,
    publicKey: signer.publicKey,
    verifyEndpoint: (url) => http.verifyEndpoint(url),
    endpoint,
  });
  server.on('request', (req, res) => void handle(req, res));
  server.on('upgrade', gateway.handleUpgrade);

  let closing: Promise<void> | undefined;
  return {
    apiURL: `${baseURL}/api`,
    gatewayURL,
    token,
    applicationId: world.applicationId,
    guildId: world.guildId,
    channelId: world.channelId,
    botUserId: world.botUserId,
    requests: recorder.requests,
    videosPosted: (count, timeoutMs) => videosPosted(recorder.requests, count, timeoutMs),
    commands: store.commands,
    messages: () => [...store.messages.values()].map((stored) => stored.json),
    ready: (timeoutMs) => gateway.ready(timeoutMs),
    async sendInteraction(init) {
      await gateway.ready();
      const ids = { id: nextId(), token: `fake-interaction-${nextId()}` };
      store.addInteraction(ids.id, ids.token, init.attachmentSizeLimit);
      const payload = interactionPayload(world, init, {
        ...ids,
        commandId: store.commandId(init.commandName),
      });
      gateway.dispatch('INTERACTION_CREATE', payload);
      return ids;
    },
    publicKey: signer.publicKey,
    sign: (timestamp, body) => signer.sign(timestamp, body),
    postInteraction: (init, options = {}) =>
      http.command(endpointFor(options.endpoint), init, options),
    ping: (options = {}) => http.ping(endpointFor(options.endpoint), options),
    deferredInteraction(attachmentSizeLimit) {
      const ids = { id: nextId(), token: `fake-interaction-${nextId()}` };
      store.addInteraction(ids.id, ids.token, attachmentSizeLimit);
      store.acknowledge(ids.token, { type: 5 });
      return ids;
    },
    interactionsEndpointURL: () => endpoint.url,
    waitFor: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    expireInteractionToken(interactionToken) {
      const interaction = store.interactions.get(interactionToken);
      if (!interaction)
        throw new Error(`fake Discord: no interaction has token ${interactionToken}`);
      interaction.expired = true;
    },
    failNext(match, answer) {
      failures.push({ match, answer });
    },
    disconnectClients: () => gateway.disconnect(),
    close() {
      closing ??= (async () => {
        recorder.close();
        const gatewayClosed = gateway.close();
        server.closeAllConnections();
        await Promise.all([
          gatewayClosed,
          new Promise<void>((resolve) => server.close(() => resolve())),
        ]);
      })();
      return closing;
    },
  };
}

async function videosPosted(
  requests: readonly RecordedRequest[],
  count: number,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const posted = new Map<string, number>();
  for (const deadline = Date.now() + timeoutMs; ; await sleep(200)) {
    for (const r of requests) {
      for (const f of r.files) {
        if (f.name.endsWith('.mp4') && !posted.has(f.name.slice(0, -4))) {
          posted.set(f.name.slice(0, -4), r.at);
        }
      }
    }
    if (posted.size >= count || Date.now() >= deadline) return posted;
  }
}
