import { DiscordAPIError, type REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import { type Clock, type ConcurrencyLimit, createConcurrencyLimit } from '../../src/index.ts';
import type { Job } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import { mention, PROGRESS_MARK } from '../replies/messages.ts';
import { missingPermissions } from './channel-permissions.ts';

export interface OutgoingFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

export interface OutgoingMessage {
  content: string;
  file?: OutgoingFile | undefined;
}

/** Where a final answer went, or why it went nowhere. */
export type Delivery =
  | { via: 'interaction' | 'channel' }
  | { via: 'nowhere'; missing: string[]; reason: string };

/** Discord refused the upload as too large; the caller may post the link instead. */
export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError' as const;
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

/** Discord's answers that mean the bot may not post in the job's channel after all. */
const channelRefusalCodes: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.UnknownChannel,
]);

/** The message's file as a Discord REST call carries it: `attachments` in the body, `files` beside. */
const fileParts = ({ file }: OutgoingMessage) =>
  file
    ? {
        attachments: [{ id: 0, filename: file.name }],
        files: [{ name: file.name, data: file.data, contentType: file.contentType }],
      }
    : { attachments: [], files: undefined };

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
  /**
   * The final answer: through the interaction while its token lives, else as a channel message
   * mentioning the user ('nowhere' when the bot may not post there). Throws
   * `AttachmentTooLargeError` when Discord refuses the file as too large.
   */
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
 * Posts through the interaction webhook by token rather than through a live `Interaction`
 * object, so a job resumed after a restart delivers the same way as a fresh one.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { rest, clock, logger } = options;
  const interactionRest = options.interactionRest ?? rest;
  const limit = options.limit ?? createConcurrencyLimit(32);
  const margin = options.tokenMarginMs ?? 60_000;

  const tokenUsable = (job: Job) => !job.tokenDead && clock.now() < job.tokenExpiresAt - margin;

  const markDead = (job: Job, error: DiscordAPIError) => {
    job.tokenDead = true;
    logger('interaction_token_refused', {
      jobId: job.id,
      taskId: job.taskId,
      requestId: job.requestId,
      discordCode: error.code,
    });
  };

  /** One call that carries a message; Discord's refusal of its file as too large is typed. */
  const upload = async (call: () => Promise<unknown>) => {
    try {
      await limit.run(call);
    } catch (error) {
      if (
        error instanceof DiscordAPIError &&
        error.code === RESTJSONErrorCodes.RequestEntityTooLarge
      )
        throw new AttachmentTooLargeError(error.message);
      throw error;
    }
  };

  const editOriginal = (job: Job, message: OutgoingMessage) => {
    const parts = fileParts(message);
    return upload(() =>
      interactionRest.patch(Routes.webhookMessage(job.applicationId, job.interactionToken), {
        auth: false,
        body: { content: message.content, attachments: parts.attachments },
        files: parts.files,
      }),
    );
  };

  /** The way once the interaction token is no use: a channel message mentioning the user. */
  const postInChannel = async (job: Job, message: OutgoingMessage): Promise<Delivery> => {
    const missing = missingPermissions(job, Boolean(message.file));
    if (missing.length > 0) {
      return { via: 'nowhere', missing, reason: 'missing channel permissions' };
    }
    const parts = fileParts(message);
    try {
      await upload(() =>
        rest.post(Routes.channelMessages(job.channelId), {
          body: {
            content: mention(job.userId, message.content),
            allowed_mentions: { users: [job.userId] },
            // A job resumed after a crash that followed this post posts again: with the job's
            // id as an enforced nonce, Discord hands back the first message instead of a second.
            nonce: job.id.slice(-25),
            enforce_nonce: true,
            attachments: parts.attachments,
          },
          files: parts.files,
        }),
      );
      return { via: 'channel' };
    } catch (error) {
      if (error instanceof DiscordAPIError && channelRefusalCodes.has(error.code)) {
        return { via: 'nowhere', missing: [], reason: `Discord answered ${error.code}` };
      }
      throw error;
    }
  };

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
          if (!(error instanceof DiscordAPIError && deadTokenCodes.has(error.code))) throw error;
          markDead(job, error);
        }
      }
      return postInChannel(job, message);
    },
  };
}
