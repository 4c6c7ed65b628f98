import { isHttpURL, MAX_TIMER_MS, MIN_INTERVAL_MS } from '../src/index.ts';
import type { BotOptions } from './index.ts';

type NumericOption =
  | 'maxInFlight'
  | 'maxDownloads'
  | 'maxJobsPerUser'
  | 'pollIntervalMs'
  | 'maxPollIntervalMs'
  | 'progressIntervalMs'
  | 'followTimeoutMs';

export type Env = Record<string, string | undefined>;

export type BotConfig = { ok: true; options: BotOptions } | { ok: false; problem: string };

/** The bot's settings from the environment; a problem is one sentence saying what to set. */
export function readBotConfig(env: Env): BotConfig {
  const discordToken = env.DISCORD_TOKEN?.trim();
  if (!discordToken) {
    return {
      ok: false,
      problem:
        'DISCORD_TOKEN is not set: put the bot token from the Discord Developer Portal (Bot > Token) in the environment.',
    };
  }
  const jimengToken = env.JIMENG_TOKEN?.trim();
  if (!jimengToken) {
    return {
      ok: false,
      problem:
        "JIMENG_TOKEN is not set: put the provider's API key (Bearer token) in the environment.",
    };
  }
  // A header pasted whole ("Bot …", "Bearer …") would be sent with a second prefix and refused
  // as a wrong token, sending the admin to copy the same value again.
  if (/^bot\s/i.test(discordToken)) {
    return {
      ok: false,
      problem: 'DISCORD_TOKEN starts with "Bot ": set the token alone, without that prefix.',
    };
  }
  if (/^bearer\s/i.test(jimengToken)) {
    return {
      ok: false,
      problem: 'JIMENG_TOKEN starts with "Bearer ": set the API key alone, without that prefix.',
    };
  }
  const numbers: [NumericOption, string][] = [
    ['maxInFlight', 'BOT_MAX_IN_FLIGHT'],
    ['maxDownloads', 'BOT_MAX_DOWNLOADS'],
    ['maxJobsPerUser', 'BOT_MAX_JOBS_PER_USER'],
    ['pollIntervalMs', 'BOT_POLL_INTERVAL_MS'],
    ['maxPollIntervalMs', 'BOT_MAX_POLL_INTERVAL_MS'],
    ['progressIntervalMs', 'BOT_PROGRESS_INTERVAL_MS'],
    ['followTimeoutMs', 'BOT_FOLLOW_TIMEOUT_MS'],
  ];
  // The values are not echoed: a key pasted into the wrong variable would end up in the logs.
  const urls: [string, string][] = [
    ['JIMENG_BASE_URL', "like https://api.gpt.ge, or unset for the provider's default"],
    ['DISCORD_API_URL', 'or unset to talk to Discord itself'],
    ['EDGE_PUBLIC_URL', 'like https://jimeng-edge.example.workers.dev, or unset'],
  ];
  for (const [name, hint] of urls) {
    const raw = env[name]?.trim();
    if (raw && !isHttpURL(raw)) {
      return { ok: false, problem: `${name} must be an http:// or https:// URL, ${hint}.` };
    }
  }
  const options: BotOptions = {
    discordToken,
    jimeng: { token: jimengToken, baseURL: env.JIMENG_BASE_URL?.trim() || undefined },
    discordApiURL: env.DISCORD_API_URL?.trim() || undefined,
    dataDir: env.BOT_DATA_DIR?.trim() || '.data',
    edgePublicURL: env.EDGE_PUBLIC_URL?.trim() || undefined,
  };
  for (const [key, name] of numbers) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!(Number.isInteger(value) && value > 0)) {
      return {
        ok: false,
        problem: `${name} must be a positive integer, got ${JSON.stringify(raw)}.`,
      };
    }
    // Timers take at most 2^31-1 ms (24.8 days); a longer one fires at once, so a "never
    // give up" follow time would give up immediately and a long edit interval would spin.
    if (name.endsWith('_MS') && value > MAX_TIMER_MS) {
      return {
        ok: false,
        problem: `${name} must be at most ${MAX_TIMER_MS} ms (24 days), got ${value}.`,
      };
    }
    if ((key === 'pollIntervalMs' || key === 'maxPollIntervalMs') && value < MIN_INTERVAL_MS) {
      return {
        ok: false,
        problem: `${name} must be at least ${MIN_INTERVAL_MS} ms, got ${value}.`,
      };
    }
    options[key] = value;
  }
  return { ok: true, options };
}
