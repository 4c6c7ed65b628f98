import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileJobStore } from '../../bot/jobs/store.ts';
import { type HeldJobStore, holdJobWrite } from '../fakes/held-job-store.ts';
import {
  contentOf,
  type Harness,
  isChannelPost,
  isOriginalEdit,
  resultCommand,
  startHarness,
  uploadNamed,
} from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('restarts', () => {
  it('a crash between posting and forgetting the job does not post twice', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    const jobs = join(h.dataDir, 'jobs');
    const [file] = await readdir(jobs);
    const stored = JSON.parse(await readFile(join(jobs, String(file)), 'utf8'));
    await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    await h.bot.runner.idle();
    expect(await readdir(jobs)).toEqual([]);
    // As if the process died right after Discord took the upload.
    await writeFile(join(jobs, String(file)), JSON.stringify({ ...stored, phase: 'delivering' }));
    await h.bot.stop();
    const again = await h.startBot();
    await again.runner.idle();
    expect(h.logs.some((l) => l.includes('event=job_already_delivered'))).toBe(true);
    expect(h.discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(1);
    expect(await readdir(jobs)).toEqual([]);
  });

  it('a crash right after a channel post leaves one message in the channel, not two', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const { token } = await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    const jobs = join(h.dataDir, 'jobs');
    const [file] = await readdir(jobs);
    const stored = JSON.parse(await readFile(join(jobs, String(file)), 'utf8'));
    // The token dies, so the video goes to the channel rather than into the reply.
    h.discord.expireInteractionToken(token);
    await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    await h.bot.runner.idle();
    // As if the process died right after Discord took the channel post.
    await writeFile(
      join(jobs, String(file)),
      JSON.stringify({ ...stored, phase: 'delivering', tokenDead: true }),
    );
    await h.bot.stop();
    const again = await h.startBot();
    await again.runner.idle();
    expect(h.discord.requests.filter(isChannelPost(h.discord.channelId))).toHaveLength(2);
    const videos = h.discord
      .messages()
      .filter((m) => (m.attachments as { filename: string }[]).length > 0);
    expect(videos).toHaveLength(1);
    expect(await readdir(jobs)).toEqual([]);
  });

  it('a stop that lands while the final post is in flight forgets the delivered job', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    const { token } = await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor(isOriginalEdit);
    // The channel path: a post there cannot be checked afterwards the way a reply can.
    h.discord.expireInteractionToken(token);
    await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    // SIGTERM arrives after Discord took the upload, before the bot heard back.
    await h.bot.stop();
    const jobs = join(h.dataDir, 'jobs');
    expect(await readdir(jobs)).toEqual([]);
    const again = await h.startBot();
    await again.runner.idle();
    expect(h.discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(1);
  });

  it('a job handed to a stopping runner is stored for the next start, not run', async () => {
    h = await startHarness({ durationMs: 600 });
    const taskId = h.sim.addTask();
    await h.bot.stop();
    const job = {
      id: '990000000000000001',
      kind: 'result' as const,
      taskId,
      create: null,
      phase: 'following' as const,
      userId: '1',
      channelId: h.discord.channelId,
      guildId: h.discord.guildId,
      inThread: false,
      applicationId: h.discord.applicationId,
      interactionToken: 'late-token',
      tokenExpiresAt: Date.now() - 1,
      appPermissions: null,
      attachmentSizeLimit: 10 * 1024 * 1024,
      createdAt: Date.now(),
      requestId: null,
    };
    await h.bot.runner.start(job);
    expect(h.bot.runner.active).toBe(0);
    expect(await readdir(join(h.dataDir, 'jobs'))).toHaveLength(1);
    const again = await h.startBot();
    await again.runner.idle();
    expect(h.discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(1);
  });

  it('a stop while a create is being submitted waits for the task id: the restart follows it, no resubmit', async () => {
    h = await startHarness({ durationMs: 300 });
    // The provider takes its time to accept the prompt; the stop comes meanwhile.
    h.sim.fault({ route: 'create', kind: 'delay', ms: 500 });
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: 'a kite over the dunes' }],
    });
    await h.discord.waitFor((r) => isOriginalEdit(r) && contentOf(r).includes('Submitting'));
    // The edit can reach Discord a moment before the submit reaches the provider.
    await vi.waitFor(() =>
      expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1),
    );
    await h.bot.stop();
    const again = await h.startBot();
    const upload = await h.discord.waitFor((r) => r.files.some((f) => /^\d+\.mp4$/.test(f.name)));
    expect(contentOf(upload)).toContain('a kite over the dunes');
    await again.runner.idle();
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(
      h.discord.requests.some((r) => contentOf(r).includes('restarted while submitting')),
    ).toBe(false);
  });

  it('a create still waiting for a slot when the bot stops is submitted after the restart', async () => {
    h = await startHarness({ durationMs: 300, bot: { maxInFlight: 1 } });
    h.sim.fault({ route: 'create', kind: 'delay', ms: 500 });
    const create = (userId: string, prompt: string) => ({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: prompt }],
      userId,
    });
    await h.discord.sendInteraction(create('1200000000000000041', 'first in line'));
    await h.discord.waitFor((r) => r.path.startsWith('/interactions/'));
    await h.discord.sendInteraction(create('1200000000000000042', 'second in line'));
    await h.discord.waitFor((r) => isOriginalEdit(r) && contentOf(r).includes('number 1 in line'));
    // The second is in line once the first holds the slot, which may be before its request
    // left: a stop then would rightly keep the first unsent too.
    await vi.waitFor(() =>
      expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1),
    );
    await h.bot.stop();
    // Only the first prompt reached the provider; the second never left the queue.
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const again = await h.startBot();
    await again.runner.idle();
    const videos = h.discord.requests.filter((r) => r.files.some((f) => /\.mp4$/.test(f.name)));
    expect(videos.map(contentOf).join('\n')).toContain('second in line');
    expect(videos).toHaveLength(2);
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(
      h.discord.requests.some((r) => contentOf(r).includes('restarted while submitting')),
    ).toBe(false);
  });

  it('a stop that lands while the job is stored just before its submit sends nothing: the restart submits it once', async () => {
    let held: HeldJobStore | undefined;
    h = await startHarness({
      durationMs: 300,
      // The write that marks the job as sent, the last step before the request leaves, is slow.
      store: (dataDir) => {
        held = holdJobWrite(createFileJobStore(dataDir), (job) => job.submitSent === true);
        return held.store;
      },
    });
    if (!held) throw new Error('The harness made no store.');
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: 'a lighthouse in the fog' }],
    });
    await held.reached;
    const stopped = h.bot.stop();
    held.release();
    await stopped;
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    const jobs = join(h.dataDir, 'jobs');
    const [file] = await readdir(jobs);
    const stored = JSON.parse(await readFile(join(jobs, String(file)), 'utf8'));
    expect(stored).toMatchObject({ phase: 'submitting', submitSent: false, taskId: null });
    const again = await h.startBot();
    const upload = await h.discord.waitFor((r) => r.files.some((f) => /^\d+\.mp4$/.test(f.name)));
    expect(contentOf(upload)).toContain('a lighthouse in the fog');
    await again.runner.idle();
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(
      h.discord.requests.some((r) => contentOf(r).includes('restarted while submitting')),
    ).toBe(false);
  });
});
