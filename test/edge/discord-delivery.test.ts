import { describe, expect, it } from 'vitest';
import {
  deliveredText,
  failureText,
  PROGRESS_MARK,
  tooLargeText,
  userCapText,
} from '../../bot/replies/messages.ts';
import { createClient } from '../../src/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import type { InteractionInit, RecordedRequest } from '../fakes/discord/index.ts';
import { useDiscordEdge } from './discord-harness.ts';
import { TOKEN } from './edge-harness.ts';

const h = useDiscordEdge({
  // Open task routes, and share links: the links in messages are the Worker's own.
  edge: {
    apiKeys: '',
    public: true,
    vars: {
      DISCORD_PROGRESS_INTERVAL_MS: '200',
      EDGE_SHARE_SECRET: 'a-share-secret-long-enough-to-sign-links',
    },
  },
});

/** The "Watch and share" link button under a message, if any. */
const watchButtonURL = (r: RecordedRequest) =>
  (r.body as { components?: { components: { url?: string; label?: string }[] }[] }).components?.[0]
    ?.components[0];

let users = 0n;
/** A user of their own for each command: the per-user cap is tested on its own. */
const freshUser = () => String(1300000000000000000n + ++users);
const result = (taskId: string, userId = freshUser()): InteractionInit => ({
  commandName: 'jimeng',
  subcommand: 'result',
  options: [{ name: 'task_id', type: 3, value: taskId }],
  userId,
});
const edits = (token: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path.includes(token) && r.path.endsWith('/messages/@original');
const contentOf = (r: RecordedRequest | undefined) =>
  String((r?.body as { content?: unknown } | undefined)?.content ?? '');
const isFinal = (token: string) => (r: RecordedRequest) =>
  edits(token)(r) && r.status === 200 && !contentOf(r).startsWith(PROGRESS_MARK);
const task = (id: string) => createClient({ token: TOKEN, baseURL: h.served.url }).getTask(id);

/** Posts the command and waits for its final answer (an edit, or a channel post). */
async function finalAnswer(init: InteractionInit, timeoutMs = 10_000) {
  const answer = await h.discord.postInteraction(init, { endpoint: h.endpoint });
  expect(answer.body).toEqual({ type: 5 });
  const final = await h.discord.waitFor(isFinal(answer.token), timeoutMs);
  return { answer, final };
}

// Concurrent: each test has its own task and user, and the first one takes a few seconds of
// task life to show two statuses after the deferral's first second.
describe.concurrent('/jimeng result over HTTP interactions, followed by the task’s TaskFollower', () => {
  it('defers as the HTTP answer, edits progress on change, then uploads the exact mp4 as <taskId>.mp4', async () => {
    // Queued for its first 1.6 s, then generating: both after the deferral's first second.
    const id = h.sim.addTask({ durationMs: 8_000, prompt: 'a lighthouse at dusk' });
    const { answer, final } = await finalAnswer(result(id));
    expect(answer.ms).toBeLessThan(1_000);
    // The deferral came back in the HTTP response: no callback request was made.
    expect(h.discord.requests.some((r) => r.path.includes(`/interactions/${answer.id}/`))).toBe(
      false,
    );
    const progress = h.discord.requests
      .filter(edits(answer.token))
      .filter((r) => contentOf(r).startsWith(PROGRESS_MARK))
      .map(contentOf);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(new Set(progress).size).toBe(progress.length);
    expect(progress[0]).toContain("Waiting in the provider's queue");
    expect(progress.some((text) => text.includes('Generating the video'))).toBe(true);
    expect(final.files.map((f) => f.name)).toEqual([`${id}.mp4`]);
    expect(final.files[0]?.bytes).toEqual(sampleVideo());
    expect(contentOf(final)).toBe(deliveredText(await task(id)));
    // The watch page, as the gateway bot links it: a link button that opens without a key.
    const button = watchButtonURL(final);
    expect(button?.label).toBe('Watch and share');
    expect(button?.url).toMatch(new RegExp(`^${h.edge.url}/v/${id}\\?sig=[\\w-]{43}$`));
    expect((await fetch(button?.url ?? '')).status).toBe(200);
    // At most one edit per interval.
    const times = h.discord.requests.filter(edits(answer.token)).map((r) => r.at);
    for (let i = 1; i < times.length - 1; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(180);
    }
  });

  for (const outcome of ['not_found', 'failed', 'expired', 'moderation'] as const) {
    it(`a task ${outcome === 'moderation' ? 'refused by moderation' : outcome} ends in words naming it`, async () => {
      const id = h.sim.addTask({ durationMs: 0, outcome });
      const { final } = await finalAnswer(result(id));
      const words = {
        not_found: `❓ Task \`${id}\` was not found.`,
        failed: `❌ Task \`${id}\` failed on the provider's side.`,
        expired: `⌛ Task \`${id}\` has expired at the provider.`,
        moderation: `🚫 Task \`${id}\` was refused by the provider: the output image failed moderation.`,
      }[outcome];
      expect(contentOf(final).startsWith(words)).toBe(true);
      expect(final.files).toEqual([]);
    });
  }

  it('a video over the guild’s upload limit is posted as its watch page, never as a failed upload', async () => {
    const id = h.sim.addTask({ durationMs: 0 });
    const limit = sampleVideo().byteLength - 1;
    const { final } = await finalAnswer({ ...result(id), attachmentSizeLimit: limit });
    expect(final.files).toEqual([]);
    const share = watchButtonURL(final)?.url ?? '';
    expect(share).toContain(`${h.edge.url}/v/${id}?sig=`);
    expect(contentOf(final)).toBe(tooLargeText(await task(id), limit, h.edge.url, share));
    expect(contentOf(final)).toContain(
      `Watch and share it here (the link keeps working): ${share}`,
    );
    expect(h.discord.requests.filter(edits('')).every((r) => r.status !== 413)).toBe(true);
  });

  it('50027 on the final edit: the video goes to the channel, mentioning the user, with the job id as an enforced nonce', async () => {
    const id = h.sim.addTask({ durationMs: 400 });
    const userId = freshUser();
    const answer = await h.discord.postInteraction(result(id, userId), { endpoint: h.endpoint });
    h.discord.failNext(
      { method: 'PATCH', path: new RegExp(`${answer.token}.*@original`) },
      { status: 401, body: { code: 50027, message: 'Invalid Webhook Token' } },
    );
    const post = await h.discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${h.discord.channelId}/messages`,
      10_000,
    );
    expect(post.body).toMatchObject({
      content: `<@${userId}> ${deliveredText(await task(id))}`,
      allowed_mentions: { users: [userId] },
      nonce: answer.id.slice(-25),
      enforce_nonce: true,
    });
    expect(post.files[0]?.bytes).toEqual(sampleVideo());
  });

  it('a final upload Discord fails once, after a follow of many polls, is tried again, not dropped', async () => {
    // Some thirty answers of the provider, each a turn of the job before the upload.
    const id = h.sim.addTask({ durationMs: 3_000 });
    const answer = await h.discord.postInteraction(result(id), { endpoint: h.endpoint });
    h.discord.failNext(
      { method: 'PATCH', path: new RegExp(`${answer.token}.*@original`), withFiles: true },
      { status: 503, body: { message: 'upstream connect error' } },
    );
    const uploads = (r: RecordedRequest) => edits(answer.token)(r) && r.files.length === 1;
    const delivered = await h.discord.waitFor((r) => uploads(r) && r.status === 200, 12_000);
    expect(delivered.files[0]?.bytes).toEqual(sampleVideo());
    expect(h.discord.requests.filter(uploads).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a final upload rate-limited for longer than a request waits is tried again when Discord said, not on the failure schedule', async () => {
    const id = h.sim.addTask({ durationMs: 0 });
    const answer = await h.discord.postInteraction(result(id), { endpoint: h.endpoint });
    h.discord.failNext(
      { method: 'PATCH', path: new RegExp(`${answer.token}.*@original`), withFiles: true },
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 90, global: false },
      },
    );
    const uploads = (r: RecordedRequest) => edits(answer.token)(r) && r.files.length === 1;
    await h.discord.waitFor((r) => uploads(r) && r.status === 429, 5_000);
    // The failure schedule would try again after 2 s; Discord asked for 90.
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    expect(h.discord.requests.filter(uploads).map((r) => r.status)).toEqual([429]);
  });

  it('20 users on one task: one poll schedule, 20 deliveries', async () => {
    const id = h.sim.addTask({ durationMs: 1_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.discord.postInteraction(result(id), { endpoint: h.endpoint }),
      ),
    );
    expect(answers.every((a) => (a.body as { type?: number }).type === 5)).toBe(true);
    const uploads = await Promise.all(
      answers.map((a) =>
        h.discord.waitFor((r) => edits(a.token)(r) && r.files.length === 1, 15_000),
      ),
    );
    expect(uploads).toHaveLength(20);
    for (const upload of uploads) expect(upload.files[0]?.name).toBe(`${id}.mp4`);
    // One schedule: 1 s of task life at a 100 ms first interval is about ten queries, not 200.
    const queries = h.sim.requests.filter((r) => r.taskId === id && !r.path.includes('/video/'));
    expect(queries.length).toBeLessThanOrEqual(15);
  });

  it('a fourth active job of one user is refused privately; the same task twice in a channel too', async () => {
    const userId = freshUser();
    const ids = [1, 2, 3].map(() => h.sim.addTask({ durationMs: 60_000 }));
    for (const id of ids) {
      const answer = await h.discord.postInteraction(result(id, userId), { endpoint: h.endpoint });
      expect(answer.body).toEqual({ type: 5 });
    }
    const again = await h.discord.postInteraction(result(ids[0] ?? '', userId), {
      endpoint: h.endpoint,
    });
    expect((again.body as { data: { content: string } }).data.content).toContain(
      `already following task \`${ids[0]}\``,
    );
    const fourth = await h.discord.postInteraction(result(h.sim.addTask(), userId), {
      endpoint: h.endpoint,
    });
    expect(fourth.body).toEqual({
      type: 4,
      data: { content: userCapText(3), flags: 64, allowed_mentions: { parse: [] } },
    });
  });
});

describe('/jimeng create over HTTP interactions', () => {
  it('submits once with the attached image, then posts the video like result', async () => {
    const before = h.sim.requests.filter((r) => r.method === 'POST').length;
    const url = 'https://cdn.discordapp.example/attachments/1/2/cat.png';
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'create',
        options: [
          { name: 'prompt', type: 3, value: 'the cat blinks' },
          { name: 'image', type: 11, value: '900' },
        ],
        attachments: [{ id: '900', filename: 'cat.png', url, contentType: 'image/png', size: 10 }],
        userId: freshUser(),
      },
      { endpoint: h.endpoint },
    );
    expect(answer.body).toEqual({ type: 5 });
    const upload = await h.discord.waitFor(
      (r) => edits(answer.token)(r) && r.files.length === 1,
      10_000,
    );
    const taskId = (upload.files[0]?.name ?? '').replace(/\.mp4$/, '');
    const submits = h.sim.requests.filter((r) => r.method === 'POST').slice(before);
    expect(submits.map((r) => r.path)).toEqual(['/task/jimeng/image2video']);
    expect((await task(taskId)).imageUrls).toEqual([url]);
  });
});

describe('secrets', () => {
  it('no interaction token, bot token or provider token in the Worker’s logs', () => {
    const logs = h.logs.join('\n');
    expect(logs).toContain('event=job_delivered');
    expect(logs).not.toMatch(/fake-interaction-/);
    expect(logs).not.toContain(h.discord.token);
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain('event=share_links_off');
    expect(failureText).toBeTypeOf('function');
  });
});
