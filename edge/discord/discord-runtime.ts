import { createDeliverer, type OutgoingMessage } from '../../bot/delivery/deliverer.ts';
import { createLogger, type Logger } from '../../bot/log.ts';
import { createConcurrencyLimit, systemClock, TimeoutError } from '../../src/index.ts';
import type { Env } from '../env.ts';
import { type DiscordSettings, readSettings, type Settings } from '../settings.ts';
import { MIN_SHARE_SECRET_LENGTH } from '../share-link.ts';
import { sharedFlight } from '../shared-flight.ts';
import { upstreamFor } from '../upstream.ts';
import { sharePage } from '../watch/watch-links.ts';
import { createDiscordRest, type DiscordRest } from './discord-rest.ts';
import { createFetchTransport } from './fetch-transport.ts';
import type { InteractionJob } from './interaction-job.ts';
import { createInteractionJobs, type InteractionJobs } from './interaction-jobs.ts';

/**
 * What the Durable Objects need to answer Discord, built once per isolate from the env: only
 * what holds no I/O of its own. Queues (the deliverer's cap on calls in flight, the download
 * caps) are made for each use: workerd refuses to let one Durable Object carry on I/O that
 * another started, and a queue shared by the objects of an isolate would start one object's
 * call from another's.
 */
export interface DiscordRuntime {
  settings: Settings;
  discord: DiscordSettings;
  rest: DiscordRest;
  logger: Logger;
  /** The jobs' logic over one object's storage, with queues of their own. */
  jobs(storage: JobStorage): InteractionJobs;
}

export interface JobStorage {
  save(job: InteractionJob): Promise<void>;
  remove(job: InteractionJob): Promise<void>;
}

/** A download and, for a dead link, one fresh query and a second download. */
const VIDEO_MESSAGE_BUDGET_MS = 3 * 60 * 1000;

let current: { env: Env; runtime: DiscordRuntime } | undefined;

export function discordRuntime(env: Env): DiscordRuntime {
  if (current?.env === env) return current.runtime;
  const settings = readSettings(env);
  const discord = settings.discord;
  if (!discord) {
    throw new Error('DISCORD_PUBLIC_KEY is not set: this Worker serves no Discord interactions.');
  }
  const clock = systemClock;
  const logger = createLogger();
  const rest = createDiscordRest({ apiURL: discord.apiURL, botToken: discord.botToken, clock });
  const transport = createFetchTransport(rest);
  const { client } = upstreamFor(settings);
  // Keyed by task id, and one object follows one task: no promise here crosses objects.
  const shareVideo = sharedFlight<string, OutgoingMessage>(
    VIDEO_MESSAGE_BUDGET_MS,
    (key) => new TimeoutError(`Fetching the video (${key}) took too long.`),
  );
  // Task routes anyone can open: the only kind of link worth giving people in a channel.
  const open = settings.public && settings.apiKeys.length === 0;
  // Share links need no key at all: with a secret long enough to sign them, they are the link.
  const secret = settings.shareSecret;
  const shareUrl =
    secret && secret.length >= MIN_SHARE_SECRET_LENGTH
      ? async (job: InteractionJob) =>
          job.taskId ? sharePage(job.origin, secret, job.taskId) : undefined
      : undefined;
  if (!shareUrl && !open) {
    // Said once per isolate: nothing fails, so nothing else would tell the operator.
    logger('share_links_off', {
      why: `EDGE_SHARE_SECRET is not set (${MIN_SHARE_SECRET_LENGTH} characters at least): a video too large to upload, or a reply past its 15 minutes without DISCORD_TOKEN, gets the provider's link, which dies within the hour`,
    });
  }
  const runtime: DiscordRuntime = {
    settings,
    discord,
    rest,
    logger,
    jobs: (storage) =>
      createInteractionJobs({
        deliverer: createDeliverer({ transport, clock, logger }),
        clock,
        logger,
        progressIntervalMs: discord.progressIntervalMs,
        canPostInChannel: rest.hasBotToken,
        video: {
          jimeng: client,
          upstream: createConcurrencyLimit(8),
          // One object follows one task: a second download at once would only be a retry.
          downloads: createConcurrencyLimit(2),
        },
        shareVideo,
        shareUrl,
        edgePublicURL: (job) => (open ? job.origin : undefined),
        ...storage,
      }),
  };
  current = { env, runtime };
  return runtime;
}
