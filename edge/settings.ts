import { DEFAULT_BASE_URL } from '../src/index.ts';
import type { Env } from './env.ts';

export interface Settings {
  /** The provider's API key: a secret, like `apiKeys`, never shown in a response or a log. */
  upstreamToken: string | undefined;
  upstreamBaseURL: string;
  apiKeys: string[];
  public: boolean;
  corsOrigins: string[];
  pollIntervalMs: number;
  heartbeatMs: number;
  upstreamTimeoutMs: number;
  upstreamRetries: number;
  /**
   * Follower answers (queries) one `?wait` or `/events` request rides before it answers with
   * what it has; EventSource then reconnects. The request itself makes one subrequest.
   */
  followQueries: number;
  /** A follower keeps polling this long after the last caller asked (watchers count while connected). */
  followIdleMs: number;
  /** A follower with nothing left to do deletes its storage this long after its last activity. */
  followRetainMs: number;
  webhookSecret: string | undefined;
  webhookAllowPrivate: boolean;
  webhookBackoffScale: number;
  webhookTimeoutMs: number;
  /** Signs share links; undefined when unset (the share routes then say what to set). */
  shareSecret: string | undefined;
  /** Undefined without DISCORD_PUBLIC_KEY: the interactions route then does not exist. */
  discord: DiscordSettings | undefined;
}

export interface DiscordSettings {
  publicKey: string;
  applicationId: string | undefined;
  /** A secret: kept here for the REST client, never put in a response or a log line. */
  botToken: string | undefined;
  /** Discord's REST base with its version, no trailing slash: `https://discord.com/api/v10`. */
  apiURL: string;
  progressIntervalMs: number;
  followTimeoutMs: number;
  maxJobsPerUser: number;
}

export const DISCORD_API_URL = 'https://discord.com/api';

/** `?wait=N` is capped: a held request costs a subrequest per poll (50 on the free plan). */
export const MAX_WAIT_SECONDS = 60;
/** An SSE stream ends after this; EventSource reconnects by itself if the task is still running. */
export const MAX_STREAM_MS = 10 * 60 * 1000;
/** The provider's videos are a few MB; a Worker has 128 MB of memory for everything. */
export const MAX_VIDEO_BYTES = 64 * 1024 * 1024;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function int(value: string | undefined, fallback: number, min: number): number {
  return Math.round(num(value, fallback, min));
}

function num(value: string | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) ? Math.max(min, n) : fallback;
}

const memo = new WeakMap<Env, Settings>();

/** Env is fixed for an isolate's life, so it is read once. */
export function readSettings(env: Env): Settings {
  let settings = memo.get(env);
  if (!settings) {
    settings = {
      upstreamToken: env.JIMENG_TOKEN?.trim() || undefined,
      upstreamBaseURL: env.JIMENG_BASE_URL?.trim() || DEFAULT_BASE_URL,
      apiKeys: list(env.EDGE_API_KEYS),
      public: env.EDGE_PUBLIC?.trim().toLowerCase() === 'true',
      corsOrigins: list(env.CORS_ORIGINS),
      // Core polling refuses intervals under 100 ms.
      pollIntervalMs: int(env.EDGE_POLL_INTERVAL_MS, 2_000, 100),
      heartbeatMs: int(env.EDGE_HEARTBEAT_MS, 15_000, 10),
      upstreamTimeoutMs: int(env.EDGE_UPSTREAM_TIMEOUT_MS, 25_000, 100),
      // Each retry is a subrequest; a caller can always ask again.
      upstreamRetries: Math.min(3, int(env.EDGE_UPSTREAM_RETRIES, 1, 0)),
      followQueries: int(env.EDGE_FOLLOW_QUERIES, 40, 1),
      followIdleMs: int(env.EDGE_FOLLOW_IDLE_MS, 15 * 60 * 1000, 0),
      followRetainMs: int(env.EDGE_FOLLOW_RETAIN_MS, 24 * 60 * 60 * 1000, 100),
      webhookSecret: env.EDGE_WEBHOOK_SECRET?.trim() || undefined,
      webhookAllowPrivate: env.EDGE_WEBHOOK_ALLOW_PRIVATE?.trim().toLowerCase() === 'true',
      webhookBackoffScale: num(env.EDGE_WEBHOOK_BACKOFF_SCALE, 1, 0),
      webhookTimeoutMs: int(env.EDGE_WEBHOOK_TIMEOUT_MS, 15_000, 10),
      shareSecret: env.EDGE_SHARE_SECRET?.trim() || undefined,
      discord: readDiscordSettings(env),
    };
    memo.set(env, settings);
  }
  return settings;
}

function readDiscordSettings(env: Env): DiscordSettings | undefined {
  const publicKey = env.DISCORD_PUBLIC_KEY?.trim();
  if (!publicKey) return undefined;
  return {
    publicKey,
    applicationId: env.DISCORD_APPLICATION_ID?.trim() || undefined,
    // "Bot xyz" pasted whole would be sent as "Bot Bot xyz": take the token alone.
    botToken: env.DISCORD_TOKEN?.trim().replace(/^bot\s+/i, '') || undefined,
    apiURL: versioned(env.DISCORD_API_URL?.trim() || DISCORD_API_URL),
    // Discord publishes no edit rate; 5 s is the pace the gateway bot keeps too.
    progressIntervalMs: int(env.DISCORD_PROGRESS_INTERVAL_MS, 5_000, 100),
    followTimeoutMs: int(env.DISCORD_FOLLOW_TIMEOUT_MS, 30 * 60 * 1000, 1_000),
    maxJobsPerUser: int(env.DISCORD_MAX_JOBS_PER_USER, 3, 1),
  };
}

/** The same DISCORD_API_URL as the gateway bot's (`…/api`, discord.js adds `/v10`) or a versioned one. */
function versioned(url: string): string {
  const base = url.replace(/\/+$/, '');
  return /\/v\d+$/.test(base) ? base : `${base}/v10`;
}
