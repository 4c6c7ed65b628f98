import { isHttpURL, MAX_TIMER_MS, MIN_INTERVAL_MS } from '../src/index.ts';
import type { BotOptions } from './index.ts';

export type Env = Record<string, string | undefined>;

export type BotConfig = { ok: true; options: BotOptions } | { ok: false; problem: string };

export type RegisterConfig =
  | {
      ok: true;
      discordToken: string;
      discordApiURL: string | undefined;
      guildId: string | undefined;
    }
  | { ok: false; problem: string };

/**
 * One variable's rule: its trimmed value (undefined when unset or blank) to the setting, or a
 * `ConfigProblem` saying what to set. Values never go into a problem: a key pasted into the
 * wrong variable would end up in the logs.
 */
type Rule<T> = (value: string | undefined, name: string) => T;

class ConfigProblem extends Error {}

/**
 * A required secret, sent in an Authorization header. Pasted whole, the header would be sent
 * with a second prefix and refused as a wrong token; with a character fetch cannot put in a
 * header, the client would refuse it or its first request fail, blamed on the connection.
 */
const secret = (missing: string, prefix: string, what: string): Rule<string> => {
  const prefixed = new RegExp(`^${prefix}\\s`, 'i');
  return (value, name) => {
    if (!value) throw new ConfigProblem(`${name} is not set: ${missing}.`);
    if (prefixed.test(value))
      throw new ConfigProblem(
        `${name} starts with "${prefix} ": set the ${what} alone, without that prefix.`,
      );
    if (!/^[\x20-\x7e]+$/.test(value))
      throw new ConfigProblem(
        `${name} contains a line break, a control character or a non-ASCII character such as a curly quote: set the ${what} alone, as copied.`,
      );
    return value;
  };
};

/** A rule for a variable that may be left unset: checked only when set. */
const optional =
  <T>(rule: Rule<T>): Rule<T | undefined> =>
  (value, name) =>
    value ? rule(value, name) : undefined;

/** The core client's own rule for its base URL, so a URL it would refuse stops here. */
const httpURL =
  (hint: string): Rule<string | undefined> =>
  (value, name) => {
    if (value && !isHttpURL(value))
      throw new ConfigProblem(`${name} must be an http:// or https:// URL, ${hint}.`);
    return value;
  };

const directory: Rule<string | undefined> = (value) => value;

const positiveInteger: Rule<number | undefined> = (value, name) => {
  if (!value) return undefined;
  const number = Number(value);
  if (!(Number.isInteger(number) && number > 0))
    throw new ConfigProblem(`${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  return number;
};

/**
 * Milliseconds a timer waits. Timers take at most 2^31-1 ms (24.8 days); a longer one fires at
 * once, so a "never give up" follow time would give up immediately and a long edit interval
 * would spin.
 */
const durationMs =
  (min = 1): Rule<number | undefined> =>
  (value, name) => {
    const ms = positiveInteger(value, name);
    if (ms === undefined) return undefined;
    if (ms > MAX_TIMER_MS)
      throw new ConfigProblem(`${name} must be at most ${MAX_TIMER_MS} ms (24 days), got ${ms}.`);
    if (ms < min) throw new ConfigProblem(`${name} must be at least ${min} ms, got ${ms}.`);
    return ms;
  };

const serverId: Rule<string | undefined> = (value, name) => {
  if (value && !/^\d{17,20}$/.test(value))
    throw new ConfigProblem(
      `${name} must be a server id, a long number: with Developer Mode on, right-click the server > Copy Server ID.`,
    );
  return value;
};

/** What both the bot and `npm run bot:register` read to reach Discord. */
const discordVariables = {
  DISCORD_TOKEN: secret(
    'put the bot token from the Discord Developer Portal (Bot > Token) in the environment',
    'Bot',
    'token',
  ),
  DISCORD_API_URL: httpURL('or unset to talk to Discord itself'),
};

const botVariables = {
  ...discordVariables,
  JIMENG_TOKEN: secret(
    "put the provider's API key (Bearer token) in the environment",
    'Bearer',
    'API key',
  ),
  JIMENG_BASE_URL: httpURL("like https://api.gpt.ge, or unset for the provider's default"),
  EDGE_PUBLIC_URL: httpURL('like https://jimeng-edge.example.workers.dev, or unset'),
  EDGE_API_KEY: optional(secret('', 'Bearer', 'key')),
  BOT_DATA_DIR: directory,
  BOT_MAX_IN_FLIGHT: positiveInteger,
  BOT_MAX_DOWNLOADS: positiveInteger,
  BOT_MAX_JOBS_PER_USER: positiveInteger,
  // The core refuses a shorter wait on every job: better said once, at start.
  BOT_POLL_INTERVAL_MS: durationMs(MIN_INTERVAL_MS),
  BOT_MAX_POLL_INTERVAL_MS: durationMs(MIN_INTERVAL_MS),
  BOT_PROGRESS_INTERVAL_MS: durationMs(),
  BOT_FOLLOW_TIMEOUT_MS: durationMs(),
};

const registerVariables = {
  ...discordVariables,
  DISCORD_GUILD_ID: serverId,
};

type Values<Rules> = { [Name in keyof Rules]: Rules[Name] extends Rule<infer T> ? T : never };

/** Every variable through its rule, in the table's order (the first problem wins), then `build`. */
function readConfig<Rules extends Record<string, Rule<unknown>>, Settings extends object>(
  env: Env,
  rules: Rules,
  build: (values: Values<Rules>) => Settings,
): ({ ok: true } & Settings) | { ok: false; problem: string } {
  const values: Record<string, unknown> = {};
  try {
    for (const [name, rule] of Object.entries(rules))
      values[name] = rule(env[name]?.trim() || undefined, name);
  } catch (error) {
    if (error instanceof ConfigProblem) return { ok: false, problem: error.message };
    throw error;
  }
  return { ok: true, ...build(values as Values<Rules>) };
}

/** The bot's settings from the environment; a problem is one sentence saying what to set. */
export function readBotConfig(env: Env): BotConfig {
  return readConfig(env, botVariables, (values) => ({
    options: {
      discordToken: values.DISCORD_TOKEN,
      discordApiURL: values.DISCORD_API_URL,
      jimeng: { token: values.JIMENG_TOKEN, baseURL: values.JIMENG_BASE_URL },
      edgePublicURL: values.EDGE_PUBLIC_URL,
      edgeApiKey: values.EDGE_API_KEY,
      dataDir: values.BOT_DATA_DIR ?? '.data',
      maxInFlight: values.BOT_MAX_IN_FLIGHT,
      maxDownloads: values.BOT_MAX_DOWNLOADS,
      maxJobsPerUser: values.BOT_MAX_JOBS_PER_USER,
      pollIntervalMs: values.BOT_POLL_INTERVAL_MS,
      maxPollIntervalMs: values.BOT_MAX_POLL_INTERVAL_MS,
      progressIntervalMs: values.BOT_PROGRESS_INTERVAL_MS,
      followTimeoutMs: values.BOT_FOLLOW_TIMEOUT_MS,
    },
  }));
}

/** What `npm run bot:register` needs, under the bot's own rules for the Discord variables. */
export function readRegisterConfig(env: Env): RegisterConfig {
  return readConfig(env, registerVariables, (values) => ({
    discordToken: values.DISCORD_TOKEN,
    discordApiURL: values.DISCORD_API_URL,
    guildId: values.DISCORD_GUILD_ID,
  }));
}
