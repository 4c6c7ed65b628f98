import {
  DiscordAPIError,
  PermissionFlagsBits,
  type REST,
  RESTJSONErrorCodes,
  Routes,
} from 'discord.js';
import { type Clock, type ConcurrencyLimit, createConcurrencyLimit } from '../src/index.ts';
import type { Job } from './job.ts';
import type { Logger } from './log.ts';
import { mention, PROGRESS_MARK } from './messages.ts';

export interface OutgoingFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

export interface OutgoingMessage {
  content: string;
  file?: OutgoingFile | undefined;
}

export type Delivery =
  | { via: 'interaction' | 'channel' }
  | { via: 'nowhere'; missing: string[]; reason: string };

export interface Deliverer {
  /** Whether the interaction token may still be used for this job. */
  tokenUsable(job: Job): boolean;
  /** Edits the reply; false once the token is dead (the job then learns it via `tokenDead`). */
  editReply(job: Job, content: string): Promise<boolean>;
  /**
   * Whether the reply already shows a final answer (not progress): how a job resumed after a
   * crash between posting and forgetting it avoids posting twice. False when it cannot tell.
   */
  replyIsFinal(job: Job): Promise<boolean>;
  /** The final answer: through the interaction while its token lives, else in the channel. */
  deliver(job: Job, message: OutgoingMessage): Promise<Delivery>;
}

export interface DelivererOptions {
  /** The bot's REST, for channel messages. */
  rest: REST;
  /** Interaction webhooks (see interaction-rest.ts); `rest` when not given. */
  interactionRest?: REST | undefined;
  clock: Clock;
  logger: Logger;
  /**
   * Discord calls in flight at once (edits, uploads, channel posts). Without it a thousand
   * jobs reaching the same state together open a thousand sockets at once.
   */
  limit?: ConcurrencyLimit | undefined;
  /** Stop using a token this long before Discord would, so an upload never straddles the end. */
  tokenMarginMs?: number | undefined;
}

/**
 * Discord's answers that mean "this interaction token is no use any more". Unknown Message is
 * the reply itself deleted (by a moderator, or the user): nothing is left to edit, so the video
 * goes to the channel rather than nowhere.
 */
const deadTokenCodes: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
]);

export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError' as const;
}

/**
 * Posts through the interaction webhook by token rather than through a live `Interaction`
 * object, so a job resumed after a restart delivers the same way as a fresh one.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { rest, clock, logger } = options;
  const interactionRest = options.interactionRest ?? rest;
  const limit = options.limit ?? createConcurrencyLimit(32);
  const margin = options.tokenMarginMs ?? 60_000;

  const tokenUsable = (job: Job) => !job.tokenDead && clock.now() < job.tokenExpiresAt - margin;

  const toFiles = (message: OutgoingMessage) =>
    message.file
      ? [
          {
            name: message.file.name,
            data: message.file.data,
            contentType: message.file.contentType,
          },
        ]
      : undefined;
  const attachments = (message: OutgoingMessage) =>
    message.file ? [{ id: 0, filename: message.file.name }] : [];

  const markDead = (job: Job, error: DiscordAPIError) => {
    job.tokenDead = true;
    logger('interaction_token_refused', {
      jobId: job.id,
      taskId: job.taskId,
      requestId: job.requestId,
      discordCode: error.code,
    });
  };

  const editOriginal = (job: Job, message: OutgoingMessage) =>
    limit.run(() =>
      interactionRest.patch(Routes.webhookMessage(job.applicationId, job.interactionToken), {
        auth: false,
        body: { content: message.content, attachments: attachments(message) },
        files: toFiles(message),
      }),
    );

  return {
    tokenUsable,

    async editReply(job, content) {
      if (!tokenUsable(job)) return false;
      try {
        await editOriginal(job, { content });
        return true;
      } catch (error) {
        if (error instanceof DiscordAPIError && deadTokenCodes.has(error.code)) {
          markDead(job, error);
          return false;
        }
        throw error;
      }
    },

    async replyIsFinal(job) {
      if (!tokenUsable(job)) return false;
      try {
        const reply = (await limit.run(() =>
          interactionRest.get(Routes.webhookMessage(job.applicationId, job.interactionToken), {
            auth: false,
          }),
        )) as { content?: string; attachments?: unknown[] };
        const content = reply.content ?? '';
        return (
          Boolean(reply.attachments?.length) ||
          (content !== '' && !content.startsWith(PROGRESS_MARK))
        );
      } catch {
        return false;
      }
    },

    async deliver(job, message) {
      if (tokenUsable(job)) {
        try {
          await editOriginal(job, message);
          return { via: 'interaction' };
        } catch (error) {
          if (!(error instanceof DiscordAPIError)) throw error;
          if (error.code === RESTJSONErrorCodes.RequestEntityTooLarge) {
            throw new AttachmentTooLargeError(error.message);
          }
          if (!deadTokenCodes.has(error.code)) throw error;
          markDead(job, error);
        }
      }
      const missing = missingPermissions(job, Boolean(message.file));
      if (missing.length > 0) {
        return { via: 'nowhere', missing, reason: 'missing channel permissions' };
      }
      try {
        await limit.run(() =>
          rest.post(Routes.channelMessages(job.channelId), {
            body: {
              content: mention(job.userId, message.content),
              allowed_mentions: { users: [job.userId] },
              attachments: attachments(message),
            },
            files: toFiles(message),
          }),
        );
        return { via: 'channel' };
      } catch (error) {
        if (!(error instanceof DiscordAPIError)) throw error;
        if (error.code === RESTJSONErrorCodes.RequestEntityTooLarge) {
          throw new AttachmentTooLargeError(error.message);
        }
        if (
          error.code === RESTJSONErrorCodes.MissingPermissions ||
          error.code === RESTJSONErrorCodes.MissingAccess ||
          error.code === RESTJSONErrorCodes.UnknownChannel
        ) {
          return { via: 'nowhere', missing: [], reason: `Discord answered ${error.code}` };
        }
        throw error;
      }
    },
  };
}

/** What the bot lacks to post (with a file when `withFile`) in the job's channel. */
export function missingPermissions(job: Job, withFile: boolean): string[] {
  if (job.appPermissions === null) return [];
  const has = BigInt(job.appPermissions);
  const needed: [string, bigint][] = [
    ['View Channel', PermissionFlagsBits.ViewChannel],
    job.inThread
      ? ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads]
      : ['Send Messages', PermissionFlagsBits.SendMessages],
  ];
  if (withFile) needed.push(['Attach Files', PermissionFlagsBits.AttachFiles]);
  return needed.filter(([, bit]) => (has & bit) !== bit).map(([name]) => name);
}
