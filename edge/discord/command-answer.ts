import type {
  APIApplicationCommandInteraction,
  APIChatInputApplicationCommandInteraction,
  APIInteractionResponse,
  APIInteractionResponseChannelMessageWithSource,
  APIInteractionResponseDeferredChannelMessageWithSource,
  ChannelType,
} from 'discord-api-types/v10';
import type { Context } from 'hono';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT, INTERACTION_TOKEN_TTL_MS } from '../../bot/jobs/job.ts';
import { failureText, invalidOptionText } from '../../bot/replies/messages.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { type DiscordSettings, MAX_VIDEO_BYTES } from '../settings.ts';
import { type JimengInput, readJimengInput } from './command-input.ts';
import { discordRuntime } from './discord-runtime.ts';
import type { InteractionJob } from './interaction-job.ts';

/** A reply only the user sees (flag 64, ephemeral): how refusals are said. */
export const privately = (content: string) =>
  ({
    type: 4,
    data: { content, flags: 64, allowed_mentions: { parse: [] } },
  }) satisfies APIInteractionResponseChannelMessageWithSource;

const deferred = { type: 5 } satisfies APIInteractionResponseDeferredChannelMessageWithSource;

/** Thread channel types: posting there needs Send Messages in Threads. */
const threadTypes: ReadonlySet<number> = new Set([
  10 satisfies ChannelType.AnnouncementThread,
  11 satisfies ChannelType.PublicThread,
  12 satisfies ChannelType.PrivateThread,
]);

/** A job keeps its place under the cap this long after it stops following, for its final post. */
const CLAIM_SLACK_MS = 5 * 60 * 1000;

/**
 * The answer to a slash command, as the HTTP response itself (Discord wants it within 3 s):
 * bad input is refused privately with no call to the provider; anything else is stored by the
 * user's `DiscordUser` object (which holds the cap, and hands the job to the task's follower),
 * then deferred (`{ type: 5 }`): one Durable Object call before the answer.
 */
export async function answerCommand(
  c: Context<AppEnv>,
  interaction: APIApplicationCommandInteraction,
): Promise<APIInteractionResponse> {
  const data = interaction.data;
  if (data.type !== 1 || data.name !== 'jimeng') {
    return privately(invalidOptionText(`Unknown command /${data.name}.`));
  }
  const input = readJimengInput(data);
  if (!input.ok) return privately(input.text);
  const discord = c.get('settings').discord as DiscordSettings;
  const users = c.env.DISCORD_USERS;
  if (!users) {
    throw new EdgeError(
      500,
      'not_configured',
      'DISCORD_USERS is not bound: add the Durable Object binding from wrangler.toml.',
    );
  }
  const job = newJob(
    interaction as APIChatInputApplicationCommandInteraction,
    input,
    discord,
    new URL(c.req.url).origin,
  );
  const user = users.get(users.idFromName(job.userId));
  const claim = {
    taskId: job.taskId,
    channelId: job.channelId,
    until: job.followUntil + CLAIM_SLACK_MS,
  };
  try {
    const admission = await user.admit(claim, discord.maxJobsPerUser, job);
    if (!admission.ok) return privately(admission.text);
  } catch (error) {
    // Said to the user rather than left as "The application did not respond".
    discordRuntime(c.env).logger('job_start_failed', {
      jobId: job.id,
      taskId: job.taskId,
      userId: job.userId,
      message: error instanceof Error ? error.message : String(error),
    });
    return privately(failureText(job.taskId, error));
  }
  return deferred;
}

function newJob(
  interaction: APIChatInputApplicationCommandInteraction,
  input: Exclude<JimengInput, { ok: false }>,
  discord: DiscordSettings,
  origin: string,
): InteractionJob {
  const now = Date.now();
  const user = interaction.member?.user ?? interaction.user;
  const create = input.kind === 'create';
  return {
    id: interaction.id,
    kind: input.kind,
    taskId: create ? null : input.taskId,
    create: create ? input.request : null,
    phase: create ? 'submitting' : 'following',
    submitSent: create ? false : undefined,
    userId: user?.id ?? '0',
    channelId: interaction.channel?.id ?? interaction.channel_id ?? '0',
    guildId: interaction.guild_id ?? null,
    inThread: threadTypes.has(interaction.channel?.type ?? 0),
    // The route has checked it against DISCORD_APPLICATION_ID, when that is set.
    applicationId: interaction.application_id,
    interactionToken: interaction.token,
    tokenExpiresAt: now + INTERACTION_TOKEN_TTL_MS,
    appPermissions: interaction.app_permissions ?? null,
    // A boosted guild takes up to 500 MiB; an isolate holds 128 MB: past the edge's own cap, a
    // video goes as its link like any other too large for the guild.
    attachmentSizeLimit: Math.min(
      interaction.attachment_size_limit || DEFAULT_ATTACHMENT_SIZE_LIMIT,
      MAX_VIDEO_BYTES,
    ),
    createdAt: now,
    requestId: null,
    origin,
    followUntil: now + discord.followTimeoutMs,
    status: null,
  };
}
