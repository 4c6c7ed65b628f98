import type { AspectRatio, CreateVideoOptions } from '../../src/index.ts';

/** What `/jimeng create` asked for, kept so a refusal can be explained after a restart. */
export interface CreateRequest {
  prompt: string;
  aspectRatio?: AspectRatio | undefined;
  seed?: number | undefined;
  imageUrl?: string | undefined;
}

/** The request as the core takes it. */
export const createVideoOptions = (request: CreateRequest): CreateVideoOptions => ({
  prompt: request.prompt,
  aspectRatio: request.aspectRatio,
  seed: request.seed,
  imageUrls: request.imageUrl ? [request.imageUrl] : undefined,
});

/**
 * One person waiting for one video: everything needed to finish the job after a restart.
 * Plain JSON, stored by the job store.
 */
export interface Job {
  /** The interaction id: unique, so a job is stored once whatever happens. */
  id: string;
  kind: 'result' | 'create';
  /** Null until a `create` has been accepted by the provider. */
  taskId: string | null;
  create: CreateRequest | null;
  phase: 'submitting' | 'following' | 'delivering';
  /**
   * A `create` stays `false` while it waits for a slot: nothing has reached the provider, so a
   * restart may submit it. Set (and stored) just before the request leaves; a job stored
   * without it (older versions) counts as sent, since submitting twice is billed twice.
   */
  submitSent?: boolean | undefined;
  userId: string;
  channelId: string;
  guildId: string | null;
  /** Posting in a thread needs Send Messages in Threads rather than Send Messages. */
  inThread: boolean;
  applicationId: string;
  /** Lets the bot edit its reply until `tokenExpiresAt`. A secret: stored, never logged. */
  interactionToken: string;
  /** Epoch ms (bot clock) after which Discord refuses the token: 15 minutes after the command. */
  tokenExpiresAt: number;
  /** Set once Discord refused the token early (50027, 10015): the channel is the way now. */
  tokenDead?: boolean | undefined;
  /** The bot's permissions in the channel (a bitfield as a decimal string), null when unknown. */
  appPermissions: string | null;
  /** Largest attachment this guild accepts, in bytes. */
  attachmentSizeLimit: number;
  createdAt: number;
  /** The provider's request id of the last answer, for support. */
  requestId: string | null;
}

/** Discord accepts an interaction token for 15 minutes. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Discord's default upload limit since January 2025, when the interaction does not say. */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** The ids every log line about a job carries, so one job can be traced end to end. */
export const jobLogFields = (job: Job) => ({
  jobId: job.id,
  taskId: job.taskId,
  requestId: job.requestId,
  userId: job.userId,
});
