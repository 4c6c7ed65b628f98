import { DiscordAPIError, type REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import { type Clock, type ConcurrencyLimit, createConcurrencyLimit } from '../../src/index.ts';
import type { Job } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import { PROGRESS_MARK } from '../replies/messages.ts';
import { AttachmentTooLargeError } from './attachment-too-large-error.ts';
import { postInChannel } from './channel-post.ts';
import { deadTokenCodes } from './dead-token-codes.ts';
import type { Delivery } from './delivery.ts';
import { attachments, type OutgoingMessage, toFiles } from './outgoing-message.ts';

export { AttachmentTooLargeError } from './attachment-too-large-error.ts';
export { missingPermissions } from './channel-permissions.ts';
export type { Delivery } from './delivery.ts';
export type { OutgoingFile, OutgoingMessage } from './outgoing-message.ts';

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
      return postInChannel(rest, limit, job, message);
    },
  };
}
