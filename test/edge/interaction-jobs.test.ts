import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliverer } from '../../bot/delivery/deliverer.ts';
import { createLogger } from '../../bot/log.ts';
import { deliveredText, tokenEndingText, tooLargeText } from '../../bot/replies/messages.ts';
import { createDiscordRest } from '../../edge/discord/discord-rest.ts';
import { createFetchTransport } from '../../edge/discord/fetch-transport.ts';
import type { InteractionJob } from '../../edge/discord/interaction-job.ts';
import {
  createInteractionJobs,
  type InteractionJobs,
  type InteractionJobsOptions,
} from '../../edge/discord/interaction-jobs.ts';
import {
  type Clock,
  createClient,
  createConcurrencyLimit,
  type Task,
  TaskFailedError,
} from '../../src/index.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';
import {
  BOT_PERMISSIONS,
  type FakeDiscord,
  type RecordedRequest,
  startFakeDiscord,
} from '../fakes/discord/index.ts';

const USER = '1200000000000000077';
const ORIGIN = 'https://edge.example';
const MIN = 60_000;

const sim = createSimulator({ token: 'sim-token', durationMs: 0 });
let served: ServedSimulator;
let discord: FakeDiscord;

beforeAll(async () => {
  served = await serveSimulator(sim);
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await discord.close();
  await served.close();
});

/** A clock that moves only when told; `sleep` moves it at once. */
function steppedClock(start = Date.now()) {
  let now = start;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    schedule: () => () => {},
  };
  return { clock, advance: (ms: number) => (now += ms) };
}

interface Setup {
  jobs: InteractionJobs;
  job: InteractionJob;
  advance: (ms: number) => number;
  stored: Map<string, InteractionJob>;
  logs: string[];
  /** Requests the fake Discord recorded for this job's token or channel posts since setup. */
  calls: () => RecordedRequest[];
}

function setup(
  options: { botToken?: boolean; limit?: number; overrides?: Partial<InteractionJobsOptions> } = {},
): Setup {
  const { clock, advance } = steppedClock();
  const ids = discord.deferredInteraction(options.limit);
  const logs: string[] = [];
  const logger = createLogger((line) => logs.push(line));
  const rest = createDiscordRest({
    apiURL: `${discord.apiURL}/v10`,
    botToken: options.botToken === false ? undefined : discord.token,
  });
  const stored = new Map<string, InteractionJob>();
  const jimeng = createClient({ token: 'sim-token', baseURL: served.url });
  const jobs = createInteractionJobs({
    deliverer: createDeliverer({ transport: createFetchTransport(rest), clock, logger }),
    clock,
    logger,
    progressIntervalMs: 5_000,
    canPostInChannel: rest.hasBotToken,
    video: {
      jimeng,
      upstream: createConcurrencyLimit(4),
      downloads: createConcurrencyLimit(2),
    },
    edgePublicURL: (job) => job.origin,
    save: async (job) => {
      stored.set(job.id, structuredClone(job));
    },
    remove: async (job) => {
      stored.delete(job.id);
    },
    ...options.overrides,
  });
  const now = clock.now();
  const job: InteractionJob = {
    id: ids.id,
    kind: 'result',
    taskId: sim.addTask({ durationMs: 0, prompt: 'a red fox in snow' }),
    create: null,
    phase: 'following',
    userId: USER,
    channelId: discord.channelId,
    guildId: discord.guildId,
    inThread: false,
    applicationId: discord.applicationId,
    interactionToken: ids.token,
    tokenExpiresAt: now + 15 * MIN,
    appPermissions: BOT_PERMISSIONS,
    attachmentSizeLimit: options.limit ?? 10 * 1024 * 1024,
    createdAt: now,
    requestId: null,
    origin: ORIGIN,
    followUntil: now + 30 * MIN,
    status: null,
  };
  const start = discord.requests.length;
  const calls = () =>
    discord.requests
      .slice(start)
      .filter((r) => r.path.includes(ids.token) || r.path.startsWith('/channels/'));
  return { jobs, job, advance, stored, logs, calls };
}

const doneTask = (taskId: string): Promise<Task> =>
  createClient({ token: 'sim-token', baseURL: served.url }).getTask(taskId);
const content = (request: RecordedRequest | undefined) =>
  String((request?.body as { content?: unknown } | undefined)?.content ?? '');
const edits = (calls: RecordedRequest[]) =>
  calls.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
const channelPosts = (calls: RecordedRequest[]) =>
  calls.filter((r) => r.method === 'POST' && r.path === `/channels/${discord.channelId}/messages`);

beforeEach(() => {
  sim.reset();
});

describe('progress edits of @original', () => {
  it('edit only when the text changes, at most once per interval', async () => {
    const { jobs, job, advance, calls } = setup();
    advance(1_000);
    await jobs.update(job, 'queued');
    await jobs.update(job, 'queued');
    expect(edits(calls())).toHaveLength(1);
    expect(content(edits(calls())[0])).toBe(
      `⏳ Task \`${job.taskId}\`: Waiting in the provider's queue… (0 s)`,
    );
    advance(2_000);
    await jobs.update(job, 'processing');
    expect(edits(calls())).toHaveLength(1);
    // The change waits for the interval: the next turn after it shows it.
    advance(2_999);
    await jobs.update(job);
    expect(edits(calls())).toHaveLength(1);
    advance(1);
    await jobs.update(job);
    expect(edits(calls())).toHaveLength(2);
    expect(content(edits(calls())[1])).toContain('Generating the video');
  });

  it('make no call on the token in the first second: Discord may not have read the deferral yet', async () => {
    const { jobs, job, calls } = setup();
    await jobs.update(job, 'queued');
    expect(calls()).toHaveLength(0);
  });

  it('without a bot token, the last edit before the token dies says where the video will be', async () => {
    const { jobs, job, advance, calls } = setup({ botToken: false });
    advance(1_000);
    await jobs.update(job, 'processing');
    // Three minutes before the token dies: two for the lead, one for the margin.
    const farewellAt = job.tokenExpiresAt - 3 * MIN;
    advance(farewellAt - job.createdAt - 1_000 - 10_000);
    await jobs.update(job);
    expect(content(edits(calls()).at(-1))).not.toContain('15 minutes');
    advance(10_000);
    await jobs.update(job);
    const last = content(edits(calls()).at(-1));
    expect(last).toContain(tokenEndingText(job.taskId ?? '', ORIGIN));
    expect(last).toContain(`${ORIGIN}/task/${job.taskId}/video`);
  });

  it('a 429 is waited out for its retry_after, then the edit goes through', async () => {
    const { jobs, job, advance, calls } = setup();
    discord.failNext(
      { method: 'PATCH', path: new RegExp(job.interactionToken) },
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
      },
    );
    advance(1_000);
    await jobs.update(job, 'queued');
    const [limited, passed] = edits(calls());
    expect(limited?.status).toBe(429);
    expect(passed?.status).toBe(200);
    expect((passed?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(190);
  });
});

describe('when a job has something to do without news from the provider', () => {
  it('a status change held back by the interval: when the interval is over', async () => {
    const { jobs, job, advance } = setup();
    advance(1_000);
    await jobs.update(job, 'queued');
    const shownAt = job.createdAt + 1_000;
    advance(2_000);
    expect(await jobs.update(job, 'processing')).toBe(shownAt + 5_000);
  });

  it('the elapsed time alone is no reason: only the job’s own end', async () => {
    const { jobs, job, advance } = setup();
    advance(1_000);
    expect(await jobs.update(job, 'queued')).toBe(job.followUntil);
    advance(2_000);
    expect(await jobs.update(job, 'queued')).toBe(job.followUntil);
  });

  it('in the deferral’s first second: when the token may be used', async () => {
    const { jobs, job, calls } = setup();
    expect(await jobs.update(job, 'queued')).toBe(job.createdAt + 1_000);
    expect(calls()).toHaveLength(0);
  });

  it('without a bot token: the last edit before the token dies', async () => {
    const { jobs, job, advance } = setup({ botToken: false });
    advance(1_000);
    expect(await jobs.update(job, 'processing')).toBe(job.tokenExpiresAt - 3 * MIN);
  });
});

describe('the final answer', () => {
  it('edits @original with the video as <taskId>.mp4, its exact bytes, and the summary', async () => {
    const { jobs, job, advance, calls, stored } = setup();
    const task = await doneTask(job.taskId ?? '');
    advance(1_000);
    await jobs.settle([job], { done: task });
    const [upload] = edits(calls());
    expect(upload?.files.map((f) => f.name)).toEqual([`${job.taskId}.mp4`]);
    expect(upload?.files[0]?.field).toBe('files[0]');
    expect(upload?.files[0]?.bytes).toEqual(sampleVideo());
    expect(upload?.body).toMatchObject({
      content: deliveredText(task),
      attachments: [{ id: 0, filename: `${job.taskId}.mp4` }],
    });
    expect(stored.has(job.id)).toBe(false);
  });

  it('too large for the upload limit: the link instead, never a failed upload', async () => {
    const { jobs, job, advance, calls } = setup({ limit: 1000 });
    const task = await doneTask(job.taskId ?? '');
    advance(1_000);
    await jobs.settle([job], { done: task });
    const [edit] = edits(calls());
    expect(edit?.files).toEqual([]);
    expect(content(edit)).toBe(tooLargeText(task, 1000, ORIGIN));
    expect(content(edit)).toContain(`${ORIGIN}/task/${job.taskId}/video`);
  });

  it('a failure in words', async () => {
    const { jobs, job, advance, calls } = setup();
    advance(1_000);
    const error = new TaskFailedError('failed', { taskId: job.taskId ?? '' });
    await jobs.settle([job], { error });
    expect(content(edits(calls())[0])).toMatch(/^❌ Task `\d+` failed on the provider's side/);
  });

  for (const [code, what] of [
    [50027, 'the token refused'],
    [10008, 'the reply deleted'],
  ] as const) {
    it(`${code} (${what}) on the final edit: a channel post mentioning the user, with the job id as an enforced nonce`, async () => {
      const { jobs, job, advance, calls, logs } = setup();
      const task = await doneTask(job.taskId ?? '');
      discord.failNext(
        { method: 'PATCH', path: new RegExp(job.interactionToken) },
        { status: code === 50027 ? 401 : 404, body: { code, message: what } },
      );
      advance(1_000);
      await jobs.settle([job], { done: task });
      const [post] = channelPosts(calls());
      expect(post?.status).toBe(200);
      expect(post?.body).toMatchObject({
        content: `<@${USER}> ${deliveredText(task)}`,
        allowed_mentions: { users: [USER] },
        nonce: job.id.slice(-25),
        enforce_nonce: true,
      });
      expect(post?.files[0]?.bytes).toEqual(sampleVideo());
      expect(logs.join('\n')).toContain('event=interaction_token_refused');
      expect(logs.join('\n')).not.toContain(job.interactionToken);
    });
  }

  it('past 14 minutes: straight to the channel, the token left alone', async () => {
    const { jobs, job, advance, calls } = setup();
    const task = await doneTask(job.taskId ?? '');
    advance(14 * MIN + 1);
    await jobs.settle([job], { done: task });
    expect(edits(calls())).toHaveLength(0);
    expect(channelPosts(calls())).toHaveLength(1);
  });

  it('without a bot token past 14 minutes: nothing to post with, logged as blocked', async () => {
    const { jobs, job, advance, calls, logs, stored } = setup({ botToken: false });
    const task = await doneTask(job.taskId ?? '');
    advance(14 * MIN + 1);
    await jobs.settle([job], { done: task });
    expect(calls()).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/event=delivery_blocked .*reason="no bot token/);
    expect(stored.has(job.id)).toBe(false);
  });
});

describe('exactly once, though alarms are at-least-once', () => {
  /**
   * A job whose final post goes out at `postAt` (ms after setup), then the isolate is evicted
   * before the job is forgotten; `resume(after)` settles the stored copy `after` ms later.
   */
  async function crashAfterPost(postAt: number) {
    let crash = true;
    const stored = new Map<string, InteractionJob>();
    const setupResult = setup({
      overrides: {
        save: async (j) => {
          stored.set(j.id, structuredClone(j));
        },
        remove: async () => {
          if (crash) throw new Error('isolate evicted');
        },
      },
    });
    const { jobs, job, advance } = setupResult;
    const task = await doneTask(job.taskId ?? '');
    advance(postAt);
    await expect(jobs.settle([job], { done: task })).rejects.toThrow('isolate evicted');
    crash = false;
    const resume = async (after: number) => {
      advance(after);
      const again = stored.get(job.id) as InteractionJob;
      expect(again.phase).toBe('delivering');
      await jobs.settle([again], { done: task });
    };
    return { ...setupResult, resume };
  }

  it('a settle repeated after a crash between the post and forgetting the job reads the reply and posts nothing', async () => {
    const { resume, calls, logs } = await crashAfterPost(1_000);
    await resume(0);
    expect(edits(calls()).filter((r) => r.files.length > 0)).toHaveLength(1);
    expect(logs.join('\n')).toContain('event=job_already_delivered');
  });

  it('the same crash in the last minute of the token: the reply is still read, nothing is posted in the channel', async () => {
    // The final edit goes out just before the margin; resumed inside the last minute, where
    // no upload starts but a read is fine.
    const { resume, calls, logs } = await crashAfterPost(13 * MIN + 50_000);
    await resume(20_000);
    expect(calls().filter((r) => r.files.length > 0)).toHaveLength(1);
    expect(logs.join('\n')).toContain('event=job_already_delivered');
  });

  it('a channel post repeated with the same nonce makes no second message', async () => {
    const { jobs, job, advance } = setup();
    const task = await doneTask(job.taskId ?? '');
    advance(14 * MIN + 1);
    const copy = structuredClone(job);
    await jobs.settle([job], { done: task });
    await jobs.settle([copy], { done: task });
    const posted = discord.messages().filter((m) => m.nonce === job.id.slice(-25) && !m.webhook_id);
    expect(posted).toHaveLength(1);
  });

  it('many jobs on one task: one download, one post each', async () => {
    const first = setup();
    const task = await doneTask(first.job.taskId ?? '');
    const others = Array.from({ length: 4 }, () => setup());
    const all = [first, ...others];
    for (const s of all) {
      s.job.taskId = task.id;
      s.advance(1_000);
    }
    await first.jobs.settle(
      all.map((s) => s.job),
      { done: task },
    );
    const downloads = sim.requests.filter((r) => r.path.includes('/video/'));
    expect(downloads).toHaveLength(1);
    for (const s of all) {
      expect(edits(s.calls()).filter((r) => r.files.length === 1)).toHaveLength(1);
    }
  });
});
