import type { DiscordUser } from './discord/discord-user.ts';
import type { TaskFollower } from './follower/task-follower.ts';
import type { Settings } from './settings.ts';
import type { Upstream } from './upstream.ts';

/**
 * What the Worker is given. Secrets: JIMENG_TOKEN, EDGE_API_KEYS, EDGE_WEBHOOK_SECRET,
 * DISCORD_TOKEN (`wrangler secret put`, `.dev.vars` locally). Vars: the rest. Bindings:
 * FOLLOWERS (the TaskFollower Durable Object), DISCORD_USERS (DiscordUser), VIDEOS (R2) and
 * RATE_LIMITER; the last two optional.
 */
export interface Env {
  JIMENG_TOKEN?: string;
  JIMENG_BASE_URL?: string;
  /** Comma-separated keys callers present as `Authorization: Bearer <key>`. */
  EDGE_API_KEYS?: string;
  /** `"true"` serves task routes without keys (only when none are configured). */
  EDGE_PUBLIC?: string;
  /** Comma-separated origins allowed by CORS; empty means no cross-origin access. */
  CORS_ORIGINS?: string;
  /** Tuning, mostly for tests: first wait between upstream queries while following a task. */
  EDGE_POLL_INTERVAL_MS?: string;
  EDGE_HEARTBEAT_MS?: string;
  /** Budget of one upstream query, retries included. */
  EDGE_UPSTREAM_TIMEOUT_MS?: string;
  /** Retries of one upstream query after a transient failure (each is a subrequest). */
  EDGE_UPSTREAM_RETRIES?: string;
  /** Upstream queries one ?wait or SSE request may make (Free plan: 50 subrequests per request). */
  EDGE_FOLLOW_QUERIES?: string;
  /** How long a follower keeps polling after the last caller asked (default 15 minutes). */
  EDGE_FOLLOW_IDLE_MS?: string;
  EDGE_FOLLOW_RETAIN_MS?: string;
  /** Signs webhooks (Standard Webhooks): `whsec_` and the key in base64. Without it, no webhooks. */
  EDGE_WEBHOOK_SECRET?: string;
  /** `"true"` lets webhooks go to http:// and private addresses: local development and tests only. */
  EDGE_WEBHOOK_ALLOW_PRIVATE?: string;
  /** Tuning for tests: the webhook retry schedule (about a day) multiplied by this. */
  EDGE_WEBHOOK_BACKOFF_SCALE?: string;
  /** How long a webhook receiver has to answer (default 15 s). */
  EDGE_WEBHOOK_TIMEOUT_MS?: string;
  /** One TaskFollower per task id: polls it for every caller, keeps its video, sends its webhooks. */
  FOLLOWERS?: DurableObjectNamespace<TaskFollower>;
  /** A secret: signs share links (`/task/:id/share`, `/v/:id?sig=…`); 32 characters or more. */
  EDGE_SHARE_SECRET?: string;
  /** The Discord application's public key (hex): turns on `POST /discord/interactions`. */
  DISCORD_PUBLIC_KEY?: string;
  /** The application's id; interactions carry it too, and must match when it is set. */
  DISCORD_APPLICATION_ID?: string;
  /** The bot token (a secret, optional): channel posts once an interaction token is no use. */
  DISCORD_TOKEN?: string;
  /** Base of Discord's REST API, as the gateway bot's (default `https://discord.com/api`). */
  DISCORD_API_URL?: string;
  /** Tuning, mostly for tests: fewest milliseconds between two edits of a progress reply. */
  DISCORD_PROGRESS_INTERVAL_MS?: string;
  /** How long a command follows its task before saying it stopped watching. */
  DISCORD_FOLLOW_TIMEOUT_MS?: string;
  /** Active jobs per Discord user; past it the user is refused politely. */
  DISCORD_MAX_JOBS_PER_USER?: string;
  VIDEOS?: R2Bucket;
  RATE_LIMITER?: RateLimit;
  /** One Durable Object per Discord user: the per-user cap, and prompts until submitted. */
  DISCORD_USERS?: DurableObjectNamespace<DiscordUser>;
}

/** Read with `c.get(name)`: `c.var` builds a new object from every variable on each read. */
export interface AppEnv {
  Bindings: Env;
  Variables: { settings: Settings; upstream: Upstream };
}
