import { AttachmentTooLargeError } from '../../bot/attachment-too-large-error.ts';
import type { Deliverer } from '../../bot/deliverer.ts';
import type { Delivery } from '../../bot/delivery.ts';
import type { Job } from '../../bot/job.ts';
import { jobLogFields } from '../../bot/job-log-fields.ts';
import type { Logger } from '../../bot/log.ts';
import { mention, PROGRESS_MARK } from '../../bot/messages.ts';
import { attachments, type OutgoingMessage } from '../../bot/outgoing-message.ts';
import { missingPermissions } from './channel-permissions.ts';
import { DiscordCodes, deadTokenCodes } from './discord-codes.ts';
import { isDiscordError } from './discord-errors.ts';
import type { DiscordRest } from './discord-rest.ts';

export interface WebhookDelivererOptions {
  rest: DiscordRest;
  clock: { now(): number };
  logger: Logger;
  /** Stop using a token this long before Discord would, so an upload never straddles the end. */
  tokenMarginMs?: number | undefined;
}

/**
 * The gateway bot's `Deliverer`, on `fetch`: the reply through the interaction's webhook while
 * its token lives, then a channel message with the bot token. Nothing here holds a live
 * interaction, so a job picked up by any alarm, after any restart, delivers the same way.
 */
export function createWebhookDeliverer(options: WebhookDelivererOptions): Deliverer {
  const { rest, clock, logger } = options;
  const margin = options.tokenMarginMs ?? 60_000;

  const tokenUsable = (job: Job) => !job.tokenDead && clock.now() < job.tokenExpiresAt - margin;
  const original = (job: Job) =>
    `/webhooks/${job.applicationId}/${job.interactionToken}/messages/@original`;

  /** True when Discord said the token (or the reply) is gone: the job then learns it for good. */
  const refusedToken = (job: Job, error: unknown) => {
    if (!isDiscordError(error) || !deadTokenCodes.has(error.discordCode ?? 0)) return false;
    job.tokenDead = true;
    logger('interaction_token_refused', { ...jobLogFields(job), discordCode: error.discordCode });
    return true;
  };

  const editOriginal = (job: Job, message: OutgoingMessage) =>
    rest.request({
      method: 'PATCH',
      path: original(job),
      what: message.file ? 'uploading the video to the reply' : 'editing the reply',
      body: { content: message.content, attachments: attachments(message) },
      file: message.file,
      auth: 'none',
    });

  const postInChannel = async (job: Job, message: OutgoingMessage): Promise<Delivery> => {
    if (!rest.hasBotToken) {
      return { via: 'nowhere', missing: [], reason: 'no bot token (DISCORD_TOKEN)' };
    }
    const missing = missingPermissions(job, Boolean(message.file));
    if (missing.length > 0) {
      return { via: 'nowhere', missing, reason: 'missing channel permissions' };
    }
    try {
      await rest.request({
        method: 'POST',
        path: `/channels/${job.channelId}/messages`,
        what: 'posting in the channel',
        body: {
          content: mention(job.userId, message.content),
          allowed_mentions: { users: [job.userId] },
          // An alarm repeated after this post posts again: with the job's id as an enforced
          // nonce, Discord hands back the first message instead of making a second.
          nonce: job.id.slice(-25),
          enforce_nonce: true,
          attachments: attachments(message),
        },
        file: message.file,
        auth: 'bot',
      });
      return { via: 'channel' };
    } catch (error) {
      if (!isDiscordError(error)) throw error;
      if (error.discordCode === DiscordCodes.RequestEntityTooLarge) {
        throw new AttachmentTooLargeError(error.message);
      }
      const code = error.discordCode;
      if (
        code === DiscordCodes.MissingPermissions ||
        code === DiscordCodes.MissingAccess ||
        code === DiscordCodes.UnknownChannel
      ) {
        return { via: 'nowhere', missing: [], reason: `Discord answered ${code}` };
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
        if (refusedToken(job, error)) return false;
        throw error;
      }
    },

    async replyIsFinal(job) {
      if (!tokenUsable(job)) return false;
      try {
        const reply = await rest.request<{ content?: string; attachments?: unknown[] }>({
          method: 'GET',
          path: original(job),
          what: 'reading the reply',
          auth: 'none',
        });
        const content = reply?.content ?? '';
        return (
          Boolean(reply?.attachments?.length) ||
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
          if (isDiscordError(error) && error.discordCode === DiscordCodes.RequestEntityTooLarge) {
            throw new AttachmentTooLargeError(error.message);
          }
          if (!refusedToken(job, error)) throw error;
        }
      }
      return postInChannel(job, message);
    },
  };
}
