import { DiscordAPIError, type REST, Routes } from 'discord.js';
import type { DiscordTransport, OutgoingFile } from './deliverer.ts';

export interface DiscordJsTransportOptions {
  /** The bot's REST, for channel messages. */
  rest: REST;
  /** Interaction webhooks (see interaction-rest.ts); `rest` when not given. */
  interactionRest?: REST | undefined;
}

const files = (file: OutgoingFile | undefined) =>
  file ? [{ name: file.name, data: file.data, contentType: file.contentType }] : undefined;

/** The deliverer's calls on discord.js's REST, whose queue handles 429s and route limits. */
export function createDiscordJsTransport(options: DiscordJsTransportOptions): DiscordTransport {
  const { rest } = options;
  const interactionRest = options.interactionRest ?? rest;
  return {
    async editOriginal(job, body, file) {
      await interactionRest.patch(Routes.webhookMessage(job.applicationId, job.interactionToken), {
        auth: false,
        body,
        files: files(file),
      });
    },
    async readOriginal(job) {
      return (await interactionRest.get(
        Routes.webhookMessage(job.applicationId, job.interactionToken),
        { auth: false },
      )) as { content?: string; attachments?: unknown[] };
    },
    async postInChannel(job, body, file) {
      await rest.post(Routes.channelMessages(job.channelId), { body, files: files(file) });
    },
    errorCode: (error) =>
      error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined,
  };
}
