import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordHTTPError, discordErrors } from './errors.ts';
import { type ParsedBody, parseBody, readBody, type UploadedFile } from './multipart.ts';
import {
  botUser,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  DEFAULT_USER_ID,
  type Json,
  testUser,
  textChannel,
  type World,
} from './payloads.ts';
import type { Recorder } from './recorder.ts';
import type { Store } from './store.ts';

export interface ScriptedFailure {
  /** `withFiles`: only a call that carries files (true) or none (false); either when absent. */
  match: { method: string; path: RegExp; withFiles?: boolean };
  answer: { status: number; body: unknown };
}

interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  /** The body as sent, for routes that take a JSON array. */
  raw: unknown;
  files: UploadedFile[];
}

interface Answer {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Interaction callbacks and webhooks carry their token in the path, not `Authorization`. */
  auth: boolean;
  handle: (ctx: Context) => Answer | Promise<Answer>;
}

export interface RestOptions {
  world: World;
  token: string;
  gatewayURL: string;
  store: Store;
  recorder: Recorder;
  failures: ScriptedFailure[];
  /** The application's public key (hex), which `GET /applications/@me` shows as `verify_key`. */
  publicKey: string;
  /** Discord's check of an Interactions Endpoint URL before it saves it. */
  verifyEndpoint: (url: string) => Promise<boolean>;
  /** Where the application's interactions go once `PATCH /applications/@me` set it. */
  endpoint: { url: string | undefined };
}

/** discord.js sends `${rest.api}/v10${route}`; the fake accepts any version. */
const API_PREFIX = /^\/api(?:\/v\d+)?(?=\/)/;
const ATTACHMENT_PATH = /^\/attachments\/[^/]+\/(?<id>[^/]+)\/[^/]+$/;

const ok = (body: unknown): Answer => ({ status: 200, body });

function routes(options: RestOptions): Route[] {
  const { world, gatewayURL, store } = options;
  const route = (method: string, path: string, handle: Route['handle'], auth = true): Route => ({
    method,
    pattern: new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`),
    auth,
    handle,
  });
  const channel = (id: string | undefined) => {
    if (id !== world.channelId) throw discordErrors.unknownChannel();
    return id;
  };
  const channelMessage = (ctx: Context) => {
    channel(ctx.params.channel);
    const stored = store.message(String(ctx.params.message));
    if (stored.json.channel_id !== world.channelId) throw discordErrors.unknownMessage();
    return stored;
  };
  const webhookMessage = (ctx: Context) => {
    const interaction = store.webhook(String(ctx.params.app), String(ctx.params.token));
    return { interaction, id: store.webhookMessageId(interaction, String(ctx.params.message)) };
  };
  const gateway = { url: gatewayURL };
  const application = {
    id: world.applicationId,
    name: 'jimeng-bot',
    icon: null,
    description: '',
    bot_public: true,
    bot_require_code_grant: false,
    flags: 0,
    owner: testUser(DEFAULT_USER_ID),
    team: null,
    verify_key: options.publicKey,
    summary: '',
  };
  // Guild commands exist only where the application was invited with applications.commands;
  // elsewhere Discord answers 403 50001 Missing Access.
  const commandScope = (ctx: Context) => {
    if (ctx.params.guild === undefined) return 'global';
    if (ctx.params.guild !== world.guildId) throw discordErrors.missingAccess();
    return `guild:${ctx.params.guild}`;
  };

  return [
    route('GET', '/gateway', () => ok(gateway)),
    route('GET', '/gateway/bot', () =>
      ok({
        ...gateway,
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 14_400_000,
          max_concurrency: 1,
        },
      }),
    ),
    route('GET', '/users/@me', () => ok(botUser(world))),
    route('GET', '/applications/@me', () =>
      ok({ ...application, interactions_endpoint_url: options.endpoint.url ?? null }),
    ),
    route('PATCH', '/applications/@me', async (ctx) => {
      const url = ctx.body.interactions_endpoint_url;
      if (typeof url === 'string' && url !== '') {
        // Discord saves the URL only once it has seen the endpoint refuse a forged PING (401)
        // and answer a signed one.
        if (!(await options.verifyEndpoint(url))) throw discordErrors.endpointNotVerified();
        options.endpoint.url = url;
      } else if (url === null || url === '') {
        options.endpoint.url = undefined;
      }
      return ok({ ...application, interactions_endpoint_url: options.endpoint.url ?? null });
    }),
    route('GET', '/applications/:app/commands', () => ok(store.registered.get('global') ?? [])),
    route('GET', '/applications/:app/guilds/:guild/commands', (ctx) =>
      ok(store.registered.get(commandScope(ctx)) ?? []),
    ),
    route('PUT', '/applications/:app/commands', (ctx) =>
      ok(store.registerCommands('global', asArray(ctx.raw))),
    ),
    route('PUT', '/applications/:app/guilds/:guild/commands', (ctx) =>
      ok(store.registerCommands(commandScope(ctx), asArray(ctx.raw), ctx.params.guild)),
    ),
    route(
      'POST',
      '/interactions/:id/:token/callback',
      (ctx) => {
        const interaction = store.callbackTarget(String(ctx.params.id), String(ctx.params.token));
        if (interaction.acknowledged) throw discordErrors.alreadyAcknowledged();
        const type = Number(ctx.body.type);
        const data = (ctx.body.data ?? {}) as Json;
        const message =
          type === 4 || type === 5
            ? store.createOriginal(interaction, type, data, ctx.files)
            : undefined;
        interaction.acknowledged = true;
        if (ctx.query.get('with_response') !== 'true') return { status: 204 };
        return ok({
          interaction: {
            id: interaction.id,
            type: 2,
            response_message_id: message?.id,
            response_message_loading: type === 5,
            response_message_ephemeral: Boolean(Number(message?.flags ?? 0) & 64),
          },
          resource: { type, ...(message ? { message } : {}) },
        });
      },
      false,
    ),
    route(
      'POST',
      '/webhooks/:app/:token',
      (ctx) => {
        const interaction = store.webhook(String(ctx.params.app), String(ctx.params.token));
        if (!interaction.acknowledged) throw discordErrors.unknownWebhook();
        const attachments = store.attach(
          world.channelId,
          ctx.files,
          interaction.attachmentSizeLimit,
        );
        return ok(store.createMessage(world.channelId, ctx.body, attachments, world.applicationId));
      },
      false,
    ),
    route(
      'GET',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => ok(store.message(webhookMessage(ctx).id).json),
      false,
    ),
    route(
      'PATCH',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => {
        const { interaction, id } = webhookMessage(ctx);
        store.message(id);
        const attachments = store.attach(
          world.channelId,
          ctx.files,
          interaction.attachmentSizeLimit,
        );
        return ok(store.editMessage(id, ctx.body, attachments));
      },
      false,
    ),
    route(
      'DELETE',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => {
        const { id } = webhookMessage(ctx);
        store.message(id);
        store.messages.delete(id);
        return { status: 204 };
      },
      false,
    ),
    route('GET', '/channels/:channel', (ctx) => {
      channel(ctx.params.channel);
      return ok(textChannel(world));
    }),
    route('POST', '/channels/:channel/typing', (ctx) => {
      channel(ctx.params.channel);
      return { status: 204 };
    }),
    route('POST', '/channels/:channel/messages', (ctx) => {
      const id = channel(ctx.params.channel);
      const earlier = store.messageWithNonce(id, ctx.body);
      if (earlier) return ok(earlier);
      const attachments = store.attach(id, ctx.files, DEFAULT_ATTACHMENT_SIZE_LIMIT);
      return ok(store.createMessage(id, ctx.body, attachments));
    }),
    route('GET', '/channels/:channel/messages/:message', (ctx) => ok(channelMessage(ctx).json)),
    route('PATCH', '/channels/:channel/messages/:message', (ctx) => {
      const id = String(channelMessage(ctx).json.id);
      const attachments = store.attach(world.channelId, ctx.files, DEFAULT_ATTACHMENT_SIZE_LIMIT);
      return ok(store.editMessage(id, ctx.body, attachments));
    }),
    route('DELETE', '/channels/:channel/messages/:message', (ctx) => {
      store.messages.delete(String(channelMessage(ctx).json.id));
      return { status: 204 };
    }),
  ];
}

/**
 * The REST half of the fake: checks `Authorization: Bot <token>` where discord.js sends one,
 * plays scripted failures, records every call and answers in JSON like Discord.
 */
interface IncomingCall {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
  files: UploadedFile[];
}

export function createRestHandler(options: RestOptions) {
  const table = routes(options);
  const { recorder, failures, store, token } = options;

  /** Auth first (as Discord), then a scripted failure if one matches, then the route. */
  async function answer(call: IncomingCall): Promise<Answer> {
    const found = table
      .map((route) => ({
        route,
        match: route.method === call.method ? route.pattern.exec(call.path) : null,
      }))
      .find(({ match }) => match !== null);
    if (found?.route.auth !== false && call.authorization !== `Bot ${token}`) {
      throw discordErrors.unauthorized();
    }
    const failure = failures.findIndex(
      (f) =>
        f.match.method.toUpperCase() === call.method &&
        f.match.path.test(call.path) &&
        (f.match.withFiles ?? call.files.length > 0) === call.files.length > 0,
    );
    if (failure !== -1) return failures.splice(failure, 1)[0]?.answer ?? { status: 500 };
    if (!found?.match) throw discordErrors.notFound();
    return found.route.handle({
      params: { ...found.match.groups },
      query: call.query,
      body: isObject(call.body) ? call.body : {},
      raw: call.body,
      files: call.files,
    });
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();

    const upload = ATTACHMENT_PATH.exec(url.pathname)?.groups?.id;
    if (method === 'GET' && upload !== undefined) {
      const file = store.uploads.get(upload);
      if (!file) return send(res, 404, discordErrors.notFound().body);
      res.writeHead(200, { 'content-type': file.contentType || 'application/octet-stream' });
      res.end(file.bytes);
      return;
    }
    if (!API_PREFIX.test(url.pathname)) return send(res, 404, discordErrors.notFound().body);

    // discord.js sends `@original` as is, other clients as `%40original`: match decoded segments.
    const path = url.pathname.replace(API_PREFIX, '').split('/').map(safeDecode).join('/');
    let result: Answer;
    let parsed: ParsedBody = { body: undefined, files: [] };
    try {
      parsed = await parseBody(req.headers['content-type'] ?? '', await readBody(req));
      result = await answer({
        method,
        path,
        query: url.searchParams,
        authorization: req.headers.authorization,
        ...parsed,
      });
    } catch (error) {
      result =
        error instanceof DiscordHTTPError
          ? { status: error.status, body: error.body }
          : { status: 500, body: { code: 0, message: `fake Discord: ${String(error)}` } };
    }
    recorder.record({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parsed.body,
      files: parsed.files,
      status: result.status,
      at,
    });
    send(res, result.status, result.body);
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
