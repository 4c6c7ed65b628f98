import { type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import { deferReply } from '../delivery/interaction-rest.ts';
import {
  type CreateRequest,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  INTERACTION_TOKEN_TTL_MS,
  type Job,
} from '../jobs/job.ts';
import type { CommandContext } from './context.ts';
import { jimengCommand } from './jimeng-command.ts';
import { readCreate, readResult, unknownSubcommandText } from './jimeng-input.ts';

/** The definition both bots share (plain JSON): what `bot:register` registers. */
export const data = jimengCommand;

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  const sub = interaction.options.getSubcommand();
  if (sub === 'result') return result(interaction, context);
  if (sub === 'create') return create(interaction, context);
  await interaction.reply({ content: unknownSubcommandText(sub), flags: MessageFlags.Ephemeral });
}

async function result(interaction: ChatInputCommandInteraction, context: CommandContext) {
  const input = readResult(interaction.options.getString('task_id', true));
  if (!input.ok) {
    context.logger('invalid_task_id', { jobId: interaction.id, userId: interaction.user.id });
    await interaction.reply({ content: input.text, flags: MessageFlags.Ephemeral });
    return;
  }
  await admitAndStart(interaction, context, 'result', input.taskId, null);
}

async function create(interaction: ChatInputCommandInteraction, context: CommandContext) {
  const image = interaction.options.getAttachment('image');
  const input = readCreate({
    prompt: interaction.options.getString('prompt', true),
    aspectRatio: interaction.options.getString('aspect_ratio') ?? undefined,
    seed: interaction.options.getInteger('seed') ?? undefined,
    image: image ? { name: image.name, contentType: image.contentType, url: image.url } : undefined,
  });
  if (!input.ok) {
    await interaction.reply({ content: input.text, flags: MessageFlags.Ephemeral });
    return;
  }
  await admitAndStart(interaction, context, 'create', null, input.request);
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
