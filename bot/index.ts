import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import {
  type ClientOptions,
  type Clock,
  createClient,
  createConcurrencyLimit,
  createSharedWait,
  systemClock,
} from '../src/index.ts';
import type { CommandContext } from './commands/context.ts';
import { commands } from './commands/index.ts';
import { createDeliverer } from './delivery/deliverer.ts';
import { createDiscordJsTransport } from './delivery/discordjs-transport.ts';
import { createInteractionRest } from './delivery/interaction-rest.ts';
import { createJobRunner, type JobRunner } from './jobs/runner.ts';
import { createFileJobStore, type JobStore } from './jobs/store.ts';
import { createLogger, type Logger } from './log.ts';
import { commandFailedText } from './replies/messages.ts';
import { edgeShareLinks } from './replies/share-link.ts';

export interface BotOptions {
  discordToken: string;
  /** The core client's options (token, baseURL, fetch, retries, …); the clock comes from `clock`. */
  jimeng?: Omit<ClientOptions, 'clock'> | undefined;
  /** Where discord.js sends REST calls (and so finds the gateway); Discord itself by default. */
  discordApiURL?: string | undefined;
  /** Pending jobs live in `<dataDir>/jobs`; default `.data`. */
  dataDir?: string | undefined;
  store?: JobStore | undefined;
  /** With it, a too-large video also gets the edge's permanent link. */
  edgePublicURL?: string | undefined;
  /**
   * A caller key of that edge: each video then gets its share link, a "Watch and share" button
   * to the edge's watch page, which also stands for the video when it cannot be attached.
   */
  edgeApiKey?: string | undefined;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** Upstream requests in flight at once, all jobs together. Default 8. */
  maxInFlight?: number | undefined;
  /** Videos downloaded (held in memory) at once. Default 4. */
  maxDownloads?: number | undefined;
  /** Active jobs per user. Default 3. */
  maxJobsPerUser?: number | undefined;
  /** First wait between two queries of a task; later waits grow. Default 2 s. */
  pollIntervalMs?: number | undefined;
  maxPollIntervalMs?: number | undefined;
  /** How long a task is followed before giving up. Default 30 minutes. */
  followTimeoutMs?: number | undefined;
  /** Fewest ms between two edits of a progress reply. Default 5 s. */
  progressIntervalMs?: number | undefined;
  /** Stop using an interaction token this long before its 15 minutes are up. Default 60 s. */
  tokenMarginMs?: number | undefined;
}

export interface Bot {
  client: Client;
  runner: JobRunner;
  /** Stops following (pending jobs stay stored), closes the gateway. */
  stop(): Promise<void>;
}

/**
 * Starts the bot in this process: logs in, answers `/jimeng`, and resumes the jobs a previous
 * run left. Rejects when Discord refuses the token.
 */
export async function startBot(options: BotOptions): Promise<Bot> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: options.discordApiURL ? { api: options.discordApiURL } : {},
  });
  const interactionRest = createInteractionRest(options.discordApiURL);
  const runner = createJobRunner({
    ...connectProvider(options, clock),
    downloads: createConcurrencyLimit(options.maxDownloads ?? 4),
    store: options.store ?? createFileJobStore(options.dataDir ?? '.data'),
    deliverer: createDeliverer({
      transport: createDiscordJsTransport({ rest: client.rest, interactionRest }),
      clock,
      logger,
      tokenMarginMs: options.tokenMarginMs,
    }),
    clock,
    logger,
    maxJobsPerUser: options.maxJobsPerUser ?? 3,
    progressIntervalMs: options.progressIntervalMs ?? 5_000,
    followTimeoutMs: options.followTimeoutMs ?? 30 * 60 * 1000,
    edgePublicURL: options.edgePublicURL,
    shareLinks:
      options.edgePublicURL && options.edgeApiKey
        ? edgeShareLinks({
            edgePublicURL: options.edgePublicURL,
            edgeApiKey: options.edgeApiKey,
            logger,
          })
        : undefined,
  });
  answerCommands(client, { runner, clock, logger, interactionRest });
  client.on(Events.Error, (error) => logger('discord_error', { message: error.message }));

  await logIn(client, options.discordToken);
  logger('bot_ready', { user: client.user?.tag, applicationId: client.application?.id });
  const resumed = await runner.resume();
  if (resumed > 0) logger('jobs_resumed', { count: resumed });

  let stopping: Promise<void> | undefined;
  return {
    client,
    runner,
    stop() {
      stopping ??= (async () => {
        await runner.stop();
        await client.destroy();
        interactionRest.clearHashSweeper();
        interactionRest.clearHandlerSweeper();
        logger('bot_stopped', {});
      })();
      return stopping;
    },
  };
}

/**
 * The provider, as the jobs use it: a client for submits and downloads, and one shared polling
 * loop per task whose every request (and retry) takes a slot under `maxInFlight`.
 */
function connectProvider(options: BotOptions, clock: Clock) {
  const upstream = createConcurrencyLimit(options.maxInFlight ?? 8);
  const baseFetch = options.jimeng?.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const limitedFetch: typeof fetch = (input, init) =>
    upstream.run(() => baseFetch(input, init), { signal: init?.signal ?? undefined });
  const jimeng = createClient({ ...options.jimeng, clock, fetch: baseFetch });
  const polling = createClient({ ...options.jimeng, clock, fetch: limitedFetch });
  const sharedWait = createSharedWait((id, wait) =>
    polling.waitForTask(id, {
      ...wait,
      intervalMs: options.pollIntervalMs ?? 2_000,
      maxIntervalMs: options.maxPollIntervalMs ?? 30_000,
      // The loop is shared: it runs while anyone waits for the task. Each job keeps its own
      // wait time (jobs/wait-within.ts), so a late joiner is not cut off by an earlier one's.
      timeoutMs: Number.POSITIVE_INFINITY,
    }),
  );
  return { jimeng, upstream, sharedWait };
}

/** Runs each slash command; one that throws is logged and answered with an apology. */
function answerCommands(client: Client, context: CommandContext) {
  client.on(Events.InteractionCreate, async (interaction) => {
    if (!interaction.isChatInputCommand()) return;
    const command = commands.get(interaction.commandName);
    if (!command) return;
    try {
      await command.execute(interaction, context);
    } catch (error) {
      context.logger('command_failed', {
        jobId: interaction.id,
        command: interaction.commandName,
        message: error instanceof Error ? error.message : String(error),
      });
      const content = commandFailedText();
      try {
        if (interaction.deferred || interaction.replied) await interaction.followUp({ content });
        else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
      } catch {
        // The interaction may be gone already: the log line above is what remains.
      }
    }
  });
}

/** Resolves once the gateway is ready; a refused login leaves nothing running. */
async function logIn(client: Client, token: string) {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
}
