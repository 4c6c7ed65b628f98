import { type Clock, parseRetryAfter, systemClock } from '../../src/index.ts';
import {
  type DiscordError,
  DiscordRateLimitedError,
  DiscordRefusedError,
  DiscordTimeoutError,
  DiscordUnreachableError,
} from './discord-errors.ts';

export interface DiscordFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

export interface DiscordRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** After the API base: `/webhooks/{app}/{token}/messages/@original`. */
  path: string;
  /** For messages: "editing the reply". The path holds tokens, so it never goes in one. */
  what: string;
  body?: unknown;
  /** Sent as multipart: `payload_json` with the body, and `files[0]`. */
  file?: DiscordFile | undefined;
  /**
   * `bot` sends `Authorization: Bot <token>`. Interaction webhooks authenticate by the token in
   * their path and take no header.
   */
  auth: 'bot' | 'none';
}

export interface DiscordRestOptions {
  /** With its version: `https://discord.com/api/v10`. */
  apiURL: string;
  botToken?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  clock?: Clock | undefined;
  /** One attempt's budget; an upload of 10 MiB must fit in it. */
  timeoutMs?: number | undefined;
  /** 429s waited out per call. */
  rateLimitRetries?: number | undefined;
  /** A 429 asking for longer than this is not waited out: the call fails, to be tried later. */
  maxRetryAfterMs?: number | undefined;
}

export interface DiscordRest {
  readonly hasBotToken: boolean;
  /** The parsed JSON answer (undefined for 204), or a `DiscordError`. */
  request<T = unknown>(request: DiscordRequest): Promise<T>;
}

/**
 * The few Discord REST calls the Worker makes, on `fetch`. Each attempt has a timeout; a 429 is
 * retried after its `retry_after`. Nothing else is retried here: the caller (an alarm) decides.
 */
export function createDiscordRest(options: DiscordRestOptions): DiscordRest {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.rateLimitRetries ?? 5;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const base = options.apiURL.replace(/\/+$/, '');
  const { botToken } = options;

  const attempt = async (request: DiscordRequest): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (request.auth === 'bot') {
      if (!botToken) {
        throw new DiscordRefusedError(`No bot token (DISCORD_TOKEN) for ${request.what}.`);
      }
      headers.authorization = `Bot ${botToken}`;
    }
    let body: BodyInit | undefined;
    if (request.file) {
      const form = new FormData();
      form.set('payload_json', JSON.stringify(request.body ?? {}));
      const { name, data, contentType } = request.file;
      // Downloads and uploads are plain ArrayBuffer-backed arrays, never shared memory.
      const bytes = data as Uint8Array<ArrayBuffer>;
      form.set('files[0]', new Blob([bytes], { type: contentType }), name);
      body = form;
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const controller = new AbortController();
    const cancel = clock.schedule(timeoutMs, () => controller.abort());
    try {
      const response = await fetchImpl(base + request.path, {
        method: request.method,
        headers,
        body,
        signal: controller.signal,
      });
      // Read within the same budget: a body that stalls is as bad as no answer.
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new DiscordTimeoutError(
          `Discord did not answer within ${timeoutMs} ms while ${request.what}.`,
        );
      }
      throw new DiscordUnreachableError(`Could not reach Discord while ${request.what}.`, {
        cause: cause instanceof Error ? cause.name : undefined,
      });
    } finally {
      cancel();
    }
  };

  return {
    hasBotToken: Boolean(botToken),
    async request<T>(request: DiscordRequest): Promise<T> {
      for (let n = 0; ; n++) {
        const answer = await attempt(request);
        if (answer.status >= 200 && answer.status < 300) return parseJson(answer.text) as T;
        const error = refusal(request, answer, clock.now());
        const wait = error.retryAfterMs;
        if (answer.status !== 429 || wait === undefined || n >= retries) throw error;
        if (wait > maxRetryAfterMs) throw error;
        await clock.sleep(wait);
      }
    },
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  retry_after?: unknown;
}

function refusal(request: DiscordRequest, answer: Answer, now: number): DiscordError {
  // An HTML page from a proxy parses to nothing: the status says enough.
  const parsed = parseJson(answer.text);
  const body: ErrorBody = parsed && typeof parsed === 'object' ? parsed : {};
  const httpStatus = answer.status;
  const discordCode = typeof body.code === 'number' && body.code !== 0 ? body.code : undefined;
  const said = typeof body.message === 'string' ? `: ${body.message}` : '';
  if (httpStatus === 429) {
    // Discord says `retry_after` in seconds (a float) in the body, and in `Retry-After` too.
    const retryAfterMs =
      typeof body.retry_after === 'number' && body.retry_after >= 0
        ? Math.ceil(body.retry_after * 1000)
        : parseRetryAfter(answer.headers.get('retry-after'), now);
    return new DiscordRateLimitedError(
      `Discord rate-limited ${request.what}${retryAfterMs === undefined ? '' : ` for ${retryAfterMs} ms`}.`,
      { httpStatus, discordCode, retryAfterMs },
    );
  }
  const whose = httpStatus === 401 && request.auth === 'bot' ? ' (it refused DISCORD_TOKEN)' : '';
  return new DiscordRefusedError(
    `Discord answered HTTP ${httpStatus}${discordCode ? ` ${discordCode}` : ''}${said} while ${request.what}${whose}.`,
    { httpStatus, discordCode },
  );
}
