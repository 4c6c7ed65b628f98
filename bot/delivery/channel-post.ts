import { DiscordAPIError, type REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { ConcurrencyLimit } from '../../src/index.ts';
import type { Job } from '../jobs/job.ts';
import { mention } from '../replies/messages.ts';
import { AttachmentTooLargeError } from './attachment-too-large-error.ts';
import { missingPermissions } from './channel-permissions.ts';
import type { Delivery } from './delivery.ts';
import { attachments, type OutgoingMessage, toFiles } from './outgoing-message.ts';

/**
 * The final answer as a channel message mentioning the user: the way once the interaction
 * token is no use. 'nowhere' when the bot may not post there.
 */
export async function postInChannel(
  rest: REST,
  limit: ConcurrencyLimit,
  job: Job,
  message: OutgoingMessage,
): Promise<Delivery> {
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
          // A job resumed after a crash that followed this post posts again: with the job's
          // id as an enforced nonce, Discord hands back the first message instead of a second.
          nonce: job.id.slice(-25),
          enforce_nonce: true,
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
}
