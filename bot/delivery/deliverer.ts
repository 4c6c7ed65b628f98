import { type Clock, type ConcurrencyLimit, createConcurrencyLimit } from '../../src/index.ts';
import { type Job, jobLogFields } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import { mention, PROGRESS_MARK } from '../replies/messages.ts';
import type { LinkButtonRow } from '../replies/watch-button.ts';
import { missingPermissions } from './channel-permissions.ts';
import { channelRefusalCodes, DiscordCodes, deadTokenCodes } from './discord-codes.ts';

export interface OutgoingFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

export interface OutgoingMessage {
  content: string;
  file?: OutgoingFile | undefined;
  /** Link buttons under the message ("Watch and share"). */
  components?: LinkButtonRow[] | undefined;
}

/** Where a final answer went, or why it went nowhere. */
export type Delivery =
  | { via: 'interaction' | 'channel' }
  | { via: 'nowhere'; missing: string[]; reason: string };

/** Discord refused the upload as too large; the caller may post the link instead. */
export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError' as const;
}

/** A message body as Discord takes it: JSON, or `payload_json` beside `files[0]`. */
export interface MessageBody {
  content: string;
  attachments: { id: number; filename: string }[];
  allowed_mentions?: { users: string[] };
  nonce?: string;
  enforce_nonce?: boolean;
  components?: LinkButtonRow[];
}

/**
 * The three Discord calls a delivery makes, on whatever HTTP client the bot has: discord.js's
 * REST for the gateway bot, `fetch` for the Worker. The rules of when to make which are the
 * deliverer's, and the same for both.
 */
export interface DiscordTransport {
  /** `PATCH /webhooks/{application}/{token}/messages/@original`, by the token alone. */
  editOriginal(job: Job, body: MessageBody, file: OutgoingFile | undefined): Promise<void>;
  /** `GET` of the same message. */
  readOriginal(job: Job): Promise<{ content?: string; attachments?: unknown[] }>;
  /** `POST /channels/{id}/messages` with the bot token; absent when there is no bot token. */
  postInChannel?: (job: Job, body: MessageBody, file: OutgoingFile | undefined) => Promise<void>;
  /** Discord's JSON error code of a failed call; undefined when Discord did not answer one. */
  errorCode(error: unknown): number | undefined;
}

/** Only a message with buttons sends `components`: every other body stays as it was. */
const componentParts = ({ components }: OutgoingMessage) => (components ? { components } : {});

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

/** A token is left alone this long before it dies, so an upload never straddles its end. */
export const TOKEN_MARGIN_MS = 60 * 1000;

export interface DelivererOptions {
  transport: DiscordTransport;
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
 * object, so a job resumed after a restart (or picked up by any alarm) delivers the same way
 * as a fresh one.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { transport, clock, logger } = options;
  const limit = options.limit ?? createConcurrencyLimit(32);
  const margin = options.tokenMarginMs ?? TOKEN_MARGIN_MS;

  const tokenUsable = (job: Job) => !job.tokenDead && clock.now() < job.tokenExpiresAt - margin;

  /** True when Discord said the token (or the reply) is gone: the job then knows it for good. */
  const refusedToken = (job: Job, error: unknown) => {
    const code = transport.errorCode(error);
    if (code === undefined || !deadTokenCodes.has(code)) return false;
    job.tokenDead = true;
    logger('interaction_token_refused', { ...jobLogFields(job), discordCode: code });
    return true;
  };

  /** One call that carries a message; Discord's refusal of its file as too large is typed. */
  const upload = async (call: () => Promise<void>) => {
    try {
      await limit.run(call);
    } catch (error) {
      if (transport.errorCode(error) === DiscordCodes.RequestEntityTooLarge) {
        throw new AttachmentTooLargeError((error as Error).message);
      }
      throw error;
    }
  };

  const attachments = ({ file }: OutgoingMessage) => (file ? [{ id: 0, filename: file.name }] : []);

  const editOriginal = (job: Job, message: OutgoingMessage) =>
    upload(() =>
      transport.editOriginal(
        job,
        {
          content: message.content,
          attachments: attachments(message),
          ...componentParts(message),
        },
        message.file,
      ),
    );

  /** The way once the interaction token is no use: a channel message mentioning the user. */
  const postInChannel = async (job: Job, message: OutgoingMessage): Promise<Delivery> => {
    const post = transport.postInChannel;
    if (!post) return { via: 'nowhere', missing: [], reason: 'no bot token (DISCORD_TOKEN)' };
    const missing = missingPermissions(job, Boolean(message.file));
    if (missing.length > 0) {
      return { via: 'nowhere', missing, reason: 'missing channel permissions' };
    }
    const body: MessageBody = {
      content: mention(job.userId, message.content),
      allowed_mentions: { users: [job.userId] },
      // A job resumed after a crash that followed this post posts again: with the job's id as
      // an enforced nonce, Discord hands back the first message instead of a second.
      nonce: job.id.slice(-25),
      enforce_nonce: true,
      attachments: attachments(message),
      ...componentParts(message),
    };
    try {
      await upload(() => post(job, body, message.file));
      return { via: 'channel' };
    } catch (error) {
      const code = transport.errorCode(error);
      if (code !== undefined && channelRefusalCodes.has(code)) {
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
      // Up to the token's very end, not its margin: a read cannot straddle the end as an upload
      // can, and a final edit sent just before the margin must still be found.
      if (job.tokenDead || clock.now() >= job.tokenExpiresAt) return false;
      try {
        const reply = await limit.run(() => transport.readOriginal(job));
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
          if (!refusedToken(job, error)) throw error;
        }
      }
      return postInChannel(job, message);
    },
  };
}
