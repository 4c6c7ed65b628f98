import { afterEach, describe, expect, it } from 'vitest';
import { contentOf, type Harness, isOriginalEdit, startHarness, uploadNamed } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const result = (taskId: string, userId: string) => ({
  commandName: 'jimeng',
  subcommand: 'result',
  options: [{ name: 'task_id', type: 3, value: taskId }],
  userId,
});

describe('load', () => {
  it('two users following one task cost one polling loop, and both get the video', async () => {
    h = await startHarness({ durationMs: 800 });
    const taskId = h.sim.addTask();
    const a = await h.discord.sendInteraction(result(taskId, '1200000000000000001'));
    const b = await h.discord.sendInteraction(result(taskId, '1200000000000000002'));
    for (const { token } of [a, b]) {
      await h.discord.waitFor((r) => uploadNamed(`${taskId}.mp4`)(r) && r.path.includes(token));
    }
    expect(h.discord.requests.filter(uploadNamed(`${taskId}.mp4`))).toHaveLength(2);
    const queries = h.sim.requests.filter((r) => r.path === `/task/${taskId}`);
    // One loop: queries at least ~0.85 x the 100 ms interval apart, never two at once.
    for (let i = 1; i < queries.length; i++) {
      expect((queries[i]?.at ?? 0) - (queries[i - 1]?.at ?? 0)).toBeGreaterThan(50);
    }
    expect(queries.length).toBeLessThanOrEqual(12);
  });

  it('a user at the per-user cap is refused politely, privately, without an upstream call', async () => {
    h = await startHarness({ durationMs: 1500, bot: { maxJobsPerUser: 1 } });
    const first = h.sim.addTask();
    const second = h.sim.addTask();
    await h.discord.sendInteraction(result(first, '1200000000000000009'));
    await h.discord.waitFor(isOriginalEdit);
    const { id } = await h.discord.sendInteraction(result(second, '1200000000000000009'));
    const reply = await h.discord.waitFor((r) => r.path.startsWith(`/interactions/${id}/`));
    const body = reply.body as { type: number; data: { content: string; flags: number } };
    expect(body.type).toBe(4);
    expect(body.data.flags & 64).toBe(64);
    expect(body.data.content).toContain('Please wait');
    expect(h.sim.requests.some((r) => r.taskId === second)).toBe(false);
    // Another user is not affected.
    await h.discord.sendInteraction(result(second, '1200000000000000010'));
    await h.discord.waitFor(uploadNamed(`${second}.mp4`), 5_000);
  });

  it('a burst of commands from one user cannot slip past the per-user cap', async () => {
    h = await startHarness({ durationMs: 1500, bot: { maxJobsPerUser: 1 } });
    const tasks = [h.sim.addTask(), h.sim.addTask(), h.sim.addTask()];
    // Sent together, as a double click or a script would: none has been deferred yet.
    const sent = await Promise.all(
      tasks.map((taskId) => h.discord.sendInteraction(result(taskId, '1200000000000000011'))),
    );
    const callbacks = await Promise.all(
      sent.map(({ id }) => h.discord.waitFor((r) => r.path.startsWith(`/interactions/${id}/`))),
    );
    const types = callbacks.map((r) => (r.body as { type: number }).type).sort();
    // One deferred (5), the others refused privately (4).
    expect(types).toEqual([4, 4, 5]);
    await h.discord.waitFor((r) => r.files.length > 0, 5_000);
    await h.bot.runner.idle();
    expect(h.discord.requests.filter((r) => r.files.length > 0)).toHaveLength(1);
  });

  it('submissions past the in-flight cap wait in line and are told their place', async () => {
    h = await startHarness({ bot: { maxInFlight: 1 } });
    h.sim.fault({ route: 'create', kind: 'delay', ms: 700 });
    const create = (userId: string, prompt: string) => ({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: prompt }],
      userId,
    });
    await h.discord.sendInteraction(create('1200000000000000021', 'first'));
    await h.discord.waitFor((r) => r.path.startsWith('/interactions/'));
    await h.discord.sendInteraction(create('1200000000000000022', 'second'));
    const queued = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('number 1 in line'),
    );
    expect(contentOf(queued)).toContain('free slot');
    await h.bot.runner.idle();
    expect(h.discord.requests.filter((r) => r.files.length > 0)).toHaveLength(2);
  });

  it('a user joining a task someone else has followed for a while gets the whole follow time', async () => {
    // The task takes 3 s; each follower is followed for 2.7 s from when they asked.
    h = await startHarness({
      bot: { followTimeoutMs: 2_700, pollIntervalMs: 100, maxPollIntervalMs: 100 },
    });
    const taskId = h.sim.addTask({ durationMs: 3_000 });
    const a = await h.discord.sendInteraction(result(taskId, '1200000000000000031'));
    // The second user asks once the task is generating (after 20% of its time, 0.6 s).
    await h.discord.waitFor(
      (r) => r.path.includes(a.token) && contentOf(r).includes('Generating the video'),
    );
    const b = await h.discord.sendInteraction(result(taskId, '1200000000000000032'));
    const upload = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`), 5_000);
    expect(upload.path).toContain(b.token);
    // The first user's own time ran out before the task was done: they are told so.
    const gaveUp = h.discord.requests.find(
      (r) => r.path.includes(a.token) && contentOf(r).includes('stopped watching'),
    );
    expect(gaveUp).toBeDefined();
    await h.bot.runner.idle();
  });
});
