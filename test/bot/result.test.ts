import { afterEach, describe, expect, it } from 'vitest';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import {
  contentOf,
  type Harness,
  isOriginalEdit,
  resultCommand,
  startHarness,
  uploadNamed,
} from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('/jimeng result', () => {
  it('defers, then posts the exact mp4 bytes as <taskId>.mp4 through the interaction', async () => {
    h = await startHarness();
    const taskId = h.sim.addTask({ prompt: 'a red fox in the snow', seed: 42 });
    const { id } = await h.discord.sendInteraction(resultCommand(taskId));
    const callback = await h.discord.waitFor((r) => r.path.startsWith(`/interactions/${id}/`));
    expect((callback.body as { type: number }).type).toBe(5); // deferred channel message
    const upload = await h.discord.waitFor(uploadNamed(`${taskId}.mp4`));
    expect(isOriginalEdit(upload)).toBe(true);
    expect(upload.files).toHaveLength(1);
    expect(Buffer.from(upload.files[0]?.bytes ?? []).equals(Buffer.from(sampleVideo()))).toBe(true);
    const text = contentOf(upload);
    expect(text).toContain(taskId);
    expect(text).toContain('seed 42');
    expect(text).toContain('a red fox in the snow');
    await h.bot.runner.idle();
    const delivered = h.logs.find((line) => line.includes('event=job_delivered'));
    expect(delivered).toContain(`taskId=${taskId}`);
    expect(delivered).toContain('requestId=');
    expect(h.logs.join('\n')).not.toContain('fake-interaction');
  });

  it('an invalid id gets an ephemeral answer and costs no upstream call', async () => {
    h = await startHarness();
    const before = h.sim.requests.length;
    const { id } = await h.discord.sendInteraction(resultCommand('../etc/passwd'));
    const reply = await h.discord.waitFor((r) => r.path.startsWith(`/interactions/${id}/`));
    const body = reply.body as { type: number; data: { content: string; flags: number } };
    expect(body.type).toBe(4);
    expect(body.data.flags & 64).toBe(64);
    expect(body.data.content).toContain('not a task id');
    expect(h.sim.requests.length).toBe(before);
  });

  it('a failed task ends in a message naming the task', async () => {
    h = await startHarness();
    const taskId = h.sim.addTask({ outcome: 'failed' });
    await h.discord.sendInteraction(resultCommand(taskId));
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('failed on the provider'),
    );
    expect(contentOf(final)).toContain(taskId);
    expect(final.files).toHaveLength(0);
  });
});
