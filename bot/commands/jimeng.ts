import { type ChatInputCommandInteraction, MessageFlags, SlashCommandBuilder } from 'discord.js';
import {
  type AspectRatio,
  assertTaskId,
  InvalidTaskIdError,
  imageAspectRatios,
  isJimengError,
  MAX_PROMPT_LENGTH,
  MAX_TASK_ID_LENGTH,
  parseCreateVideoOptions,
} from '../../src/index.ts';
import { deferReply } from '../delivery/interaction-rest.ts';
import {
  type CreateRequest,
  createVideoOptions,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  INTERACTION_TOKEN_TTL_MS,
  type Job,
} from '../jobs/job.ts';
import { invalidOptionText, invalidTaskIdText } from '../replies/messages.ts';
import type { CommandContext } from './context.ts';

// Limits live in the definition so Discord enforces them before the bot sees anything.
export const data = new SlashCommandBuilder()
  .setName('jimeng')
  .setDescription('Jimeng AI videos, posted here when they are ready')
  .addSubcommand((sub) =>
    sub
      .setName('result')
      .setDescription('Follow an existing task and post its video')
      .addStringOption((option) =>
        option
          .setName('task_id')
          .setDescription('The task id, e.g. 14117763723766220057')
          .setRequired(true)
          .setMaxLength(MAX_TASK_ID_LENGTH),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('create')
      .setDescription('Generate a video from a prompt (and an image, optionally)')
      .addStringOption((option) =>
        option
          .setName('prompt')
          .setDescription('What the video shows')
          .setRequired(true)
          .setMaxLength(MAX_PROMPT_LENGTH),
      )
      .addStringOption((option) =>
        option
          .setName('aspect_ratio')
          .setDescription('Shape of the video (default 16:9; 9:21 needs an image)')
          .addChoices(imageAspectRatios.map((ratio) => ({ name: ratio, value: ratio }))),
      )
      .addIntegerOption((option) =>
        option
          .setName('seed')
          .setDescription('Same seed and prompt, similar video (-1: random)')
          .setMinValue(-1)
          .setMaxValue(2 ** 32 - 1),
      )
      .addAttachmentOption((option) =>
        option.setName('image').setDescription('Animate this image (image-to-video)'),
      ),
  );

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  const sub = interaction.options.getSubcommand();
  if (sub === 'result') return result(interaction, context);
  if (sub === 'create') return create(interaction, context);
  await interaction.reply({
    content: invalidOptionText(`Unknown subcommand ${sub}.`),
    flags: MessageFlags.Ephemeral,
  });
}

async function result(interaction: ChatInputCommandInteraction, context: CommandContext) {
  const input = interaction.options.getString('task_id', true);
  let taskId: string;
  try {
    taskId = assertTaskId(input.trim());
  } catch (error) {
    const problem = error instanceof InvalidTaskIdError ? error.problem : '';
    context.logger('invalid_task_id', { jobId: interaction.id, userId: interaction.user.id });
    await interaction.reply({
      content: invalidTaskIdText(input, problem || 'not a task id'),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  await admitAndStart(interaction, context, 'result', taskId, null);
}

async function create(interaction: ChatInputCommandInteraction, context: CommandContext) {
  const image = interaction.options.getAttachment('image');
  if (image && !image.contentType?.startsWith('image/')) {
    await interaction.reply({
      content: invalidOptionText(`\`${image.name}\` is not an image: attach a PNG, JPEG or WebP.`),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const request: CreateRequest = {
    prompt: interaction.options.getString('prompt', true),
    aspectRatio: (interaction.options.getString('aspect_ratio') ?? undefined) as
      | AspectRatio
      | undefined,
    seed: interaction.options.getInteger('seed') ?? undefined,
    imageUrl: image?.url,
  };
  // The core's own rules, checked before deferring so a mistake stays private.
  try {
    parseCreateVideoOptions(createVideoOptions(request));
  } catch (error) {
    if (!(isJimengError(error) && error.code === 'invalid_request')) throw error;
    await interaction.reply({
      content: invalidOptionText(error.message),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  await admitAndStart(interaction, context, 'create', null, request);
}

async function admitAndStart(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  kind: Job['kind'],
  taskId: string | null,
  request: CreateRequest | null,
) {
  const admission = context.runner.admit(
    interaction.user.id,
    taskId ?? undefined,
    interaction.channelId,
  );
  if (!admission.ok) {
    await interaction.reply({ content: admission.text, flags: MessageFlags.Ephemeral });
    return;
  }
  try {
    await startJob(interaction, context, kind, taskId, request);
  } finally {
    // Started jobs count as running from here; a failed start frees the place.
    admission.release();
  }
}

async function startJob(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  kind: Job['kind'],
  taskId: string | null,
  request: CreateRequest | null,
) {
  // Discord wants an answer within 3 s; everything slow comes after this.
  await deferReply(context.interactionRest, interaction);
  const now = context.clock.now();
  await context.runner.start({
    id: interaction.id,
    kind,
    taskId,
    create: request,
    phase: kind === 'create' ? 'submitting' : 'following',
    submitSent: kind === 'create' ? false : undefined,
    userId: interaction.user.id,
    channelId: interaction.channelId,
    guildId: interaction.guildId,
    inThread: interaction.channel?.isThread() ?? false,
    applicationId: interaction.applicationId,
    interactionToken: interaction.token,
    tokenExpiresAt: now + INTERACTION_TOKEN_TTL_MS,
    appPermissions: interaction.appPermissions?.bitfield.toString() ?? null,
    attachmentSizeLimit: interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_SIZE_LIMIT,
    createdAt: now,
    requestId: null,
  });
}
