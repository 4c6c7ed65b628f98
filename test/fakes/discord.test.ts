import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type TextChannel,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeDiscord, type RecordedRequest, startFakeDiscord } from './discord/index.ts';

let fake: FakeDiscord;
let client: Client | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord();
});

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake.close();
});

async function loginBot(token = fake.token): Promise<Client> {
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiURL } });
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await ready;
  return client;
}

async function nextInteraction(bot: Client): Promise<ChatInputCommandInteraction> {
  const [interaction] = await once(bot, Events.InteractionCreate);
  return interaction as ChatInputCommandInteraction;
}

/** Bytes discord.js sniffs as video/mp4, with CRLFs and dashes that could trip a multipart parser. */
function fakeMp4(size: number): Buffer {
  const header = Buffer.from([0, 0, 0, 0x20, ...Buffer.from('ftypisom'), 0, 0, 2, 0]);
  return Buffer.concat([header, Buffer.from('\r\n--\r\n'), randomBytes(size)]);
}

const isEditOriginal = (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path.endsWith('/messages/@original');

describe('fake Discord', () => {
  it('lets a discord.js client log in and see the guild, its text channel and itself', async () => {
    const bot = await loginBot();
    await fake.ready();
    expect(bot.user?.id).toBe(fake.botUserId);
    expect(bot.application?.id).toBe(fake.applicationId);
    const guild = bot.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    expect(bot.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(fake.requests.some((r) => r.path === '/gateway/bot')).toBe(true);
    expect(JSON.stringify(fake.requests)).not.toContain(fake.token);
  });

  it('records a deferred reply edited with an mp4, with the exact bytes, name and type', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    const sent = await fake.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'result',
      options: [{ name: 'task_id', type: 3, value: 'task-123' }],
      attachmentSizeLimit: 25 * 1024 * 1024,
    });
    const interaction = await received;
    expect(interaction.id).toBe(sent.id);
    expect(interaction.options.getSubcommand()).toBe('result');
    expect(interaction.options.getString('task_id')).toBe('task-123');
    expect(interaction.attachmentSizeLimit).toBe(25 * 1024 * 1024);
    expect(interaction.appPermissions.has(['SendMessages', 'AttachFiles'])).toBe(true);

    const video = fakeMp4(300_000);
    await interaction.deferReply();
    const message = await interaction.editReply({
      content: 'done',
      files: [{ attachment: video, name: 'task-123.mp4' }],
    });

    const callback = await fake.waitFor((r) => r.path.endsWith('/callback'));
    expect(callback).toMatchObject({ method: 'POST', status: 204, body: { type: 5 } });
    expect(callback.path).toBe(`/interactions/${sent.id}/${sent.token}/callback`);
    const edit = await fake.waitFor(isEditOriginal);
    expect(edit.body).toMatchObject({ content: 'done' });
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]).toMatchObject({
      name: 'task-123.mp4',
      field: 'files[0]',
      contentType: 'video/mp4',
    });
    expect(Buffer.from(edit.files[0]?.bytes ?? []).equals(video)).toBe(true);

    const attachment = message.attachments.first();
    expect(message.content).toBe('done');
    expect(attachment?.name).toBe('task-123.mp4');
    const served = await fetch(attachment?.url ?? '');
    expect(Buffer.from(await served.arrayBuffer()).equals(video)).toBe(true);
  });

  it('passes resolved attachments of attachment options to the bot', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    await fake.sendInteraction({
      commandName: 'jimeng',
      options: [{ name: 'image', type: 11, value: '1300000000000000001' }],
      attachments: [
        {
          id: '1300000000000000001',
          filename: 'cat.png',
          url: 'https://cdn.example/cat.png',
          contentType: 'image/png',
          size: 1234,
        },
      ],
    });
    const image = (await received).options.getAttachment('image');
    expect(image).toMatchObject({ name: 'cat.png', size: 1234, contentType: 'image/png' });
  });

  it('creates a channel message with a file through channel.send', async () => {
    const bot = await loginBot();
    const channel = bot.channels.cache.get(fake.channelId) as TextChannel;
    const video = fakeMp4(1_000);
    const message = await channel.send({
      content: 'your video',
      files: [{ attachment: video, name: 'clip.mp4' }],
    });
    expect(message.channelId).toBe(fake.channelId);
    const post = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`,
    );
    expect(post.body).toMatchObject({ content: 'your video' });
    expect(Buffer.from(post.files[0]?.bytes ?? []).equals(video)).toBe(true);

    await message.edit('edited');
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes('/channels/'));
    expect(edit.status).toBe(200);
  });

  it('answers editReply with 50027 once the interaction token expired', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    const { token } = await fake.sendInteraction({ commandName: 'jimeng' });
    const interaction = await received;
    await interaction.deferReply();
    fake.expireInteractionToken(token);
    const error = await interaction.editReply('too late').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50027, status: 401 });
    await expect(interaction.followUp('still too late')).rejects.toMatchObject({ code: 50027 });
  });

  it('plays a scripted failure once, e.g. 413 40005 for a too large upload', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    await fake.sendInteraction({ commandName: 'jimeng' });
    const interaction = await received;
    await interaction.deferReply();
    fake.failNext(
      { method: 'PATCH', path: /@original$/ },
      { status: 413, body: { code: 40005, message: 'Request entity too large' } },
    );
    const files = [{ attachment: fakeMp4(10), name: 'a.mp4' }];
    await expect(interaction.editReply({ files })).rejects.toMatchObject({
      code: 40005,
      status: 413,
    });
    await expect(interaction.editReply({ files })).resolves.toBeDefined();
  });

  it('refuses an attachment over the interaction attachment_size_limit with 413 40005', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    await fake.sendInteraction({ commandName: 'jimeng', attachmentSizeLimit: 1_000 });
    const interaction = await received;
    await interaction.deferReply();
    await expect(
      interaction.editReply({ files: [{ attachment: fakeMp4(2_000), name: 'big.mp4' }] }),
    ).rejects.toMatchObject({ code: 40005 });
  });

  it('keeps the last registered commands and gives them ids', async () => {
    const bot = await loginBot();
    const definitions = [{ name: 'jimeng', description: 'Make a video' }];
    await bot.application?.commands.set(definitions, fake.guildId);
    expect(fake.commands).toEqual([
      expect.objectContaining({ name: 'jimeng', id: expect.any(String), guild_id: fake.guildId }),
    ]);
    const received = nextInteraction(bot);
    await fake.sendInteraction({ commandName: 'jimeng' });
    expect((await received).commandId).toBe((fake.commands[0] as { id: string }).id);
  });

  it('serves fetchReply, followUp and a percent-encoded %40original edit', async () => {
    const bot = await loginBot();
    const received = nextInteraction(bot);
    const { token } = await fake.sendInteraction({ commandName: 'jimeng' });
    const interaction = await received;
    await interaction.deferReply();
    const original = await interaction.fetchReply();
    const followUp = await interaction.followUp('queued');
    expect(followUp.id).not.toBe(original.id);

    const response = await fetch(
      `${fake.apiURL}/v10/webhooks/${fake.applicationId}/${token}/messages/%40original`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'edited by hand' }),
      },
    );
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ id: original.id, content: 'edited by hand' });
  });

  it('answers 401 for a REST call with a wrong bot token', async () => {
    const response = await fetch(`${fake.apiURL}/v10/users/@me`, {
      headers: { authorization: 'Bot wrong-token' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('makes login reject for a wrong bot token', async () => {
    await expect(loginBot('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
  });

  it('closes the gateway with 4004 on an IDENTIFY with a wrong token', async () => {
    const socket = new WebSocket(fake.apiURL.replace(/^http/, 'ws').replace(/\/api$/, '/gateway'));
    const [hello] = await once(socket, 'message');
    expect(JSON.parse(String(hello))).toMatchObject({ op: 10 });
    socket.send(JSON.stringify({ op: 2, d: { token: 'wrong-token', intents: 1 } }));
    const [code] = await once(socket, 'close');
    expect(code).toBe(4004);
  });

  it('resumes a client after disconnectClients and still delivers interactions', async () => {
    const bot = await loginBot();
    const resumed = once(bot, Events.ShardResume);
    fake.disconnectClients();
    await resumed;
    await fake.ready();
    const received = nextInteraction(bot);
    await fake.sendInteraction({ commandName: 'jimeng' });
    expect((await received).commandName).toBe('jimeng');
  });

  it('rejects waitFor after its timeout, listing the requests it saw', async () => {
    await loginBot();
    await expect(fake.waitFor((r) => r.method === 'DELETE', 20)).rejects.toThrow(
      /no matching request within 20 ms; seen:\n {2}GET \/gateway\/bot -> 200/,
    );
  });

  it('closes promptly while a client is still connected', async () => {
    await loginBot();
    await fake.close();
  });
});
