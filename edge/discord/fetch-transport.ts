import type { DiscordTransport } from '../../bot/delivery/deliverer.ts';
import { isDiscordError } from './discord-errors.ts';
import type { DiscordRest } from './discord-rest.ts';

/** The gateway bot's deliverer calls, on the Worker's `fetch`-based Discord REST. */
export function createFetchTransport(rest: DiscordRest): DiscordTransport {
  const original = (job: { applicationId: string; interactionToken: string }) =>
    `/webhooks/${job.applicationId}/${job.interactionToken}/messages/@original`;
  return {
    async editOriginal(job, body, file) {
      await rest.request({
        method: 'PATCH',
        path: original(job),
        what: file ? 'uploading the video to the reply' : 'editing the reply',
        body,
        file,
        auth: 'none',
      });
    },
    async readOriginal(job) {
      const reply = await rest.request<{ content?: string; attachments?: unknown[] }>({
        method: 'GET',
        path: original(job),
        what: 'reading the reply',
        auth: 'none',
      });
      return reply ?? {};
    },
    ...(rest.hasBotToken
      ? {
          async postInChannel(job, body, file) {
            await rest.request({
              method: 'POST',
              path: `/channels/${job.channelId}/messages`,
              what: 'posting in the channel',
              body,
              file,
              auth: 'bot',
            });
          },
        }
      : {}),
    errorCode: (error) => (isDiscordError(error) ? error.discordCode : undefined),
  };
}
