import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { contentOf, type Harness, isOriginalEdit, startHarness } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const mp4Upload = (r: { files: { name: string }[] }) =>
  r.files.some((f) => /^\d+\.mp4$/.test(f.name));

describe('/jimeng create', () => {
  it('submits the prompt, aspect ratio and seed given, then posts the video', async () => {
    h = await startHarness();
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [
        { name: 'prompt', type: 3, value: 'a paper boat on a rainy street' },
        { name: 'aspect_ratio', type: 3, value: '9:16' },
        { name: 'seed', type: 4, value: 1234 },
      ],
    });
    const upload = await h.discord.waitFor(mp4Upload);
    const name = upload.files[0]?.name ?? '';
    const taskId = name.replace(/\.mp4$/, '');
    expect(Buffer.from(upload.files[0]?.bytes ?? []).equals(Buffer.from(sampleVideo()))).toBe(true);
    expect(contentOf(upload)).toContain(taskId);
    const submits = h.sim.requests.filter((r) => r.method === 'POST');
    expect(submits.map((r) => r.path)).toEqual(['/task/jimeng/text2video']);
    const task = await createClient({ baseURL: h.served.url, token: 'sim-token' }).getTask(taskId);
    expect(task.params?.prompt).toBe('a paper boat on a rainy street');
    expect(task.params?.aspectRatio).toBe('9:16');
    expect(task.params?.seed).toBe(1234);
  });

  it('an attached image makes it image-to-video with the image URL', async () => {
    h = await startHarness();
    const url = `${h.discord.apiURL.replace(/\/api$/, '')}/attachments/1/2/cat.png`;
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [
        { name: 'prompt', type: 3, value: 'the cat blinks' },
        { name: 'image', type: 11, value: '900' },
      ],
      attachments: [{ id: '900', filename: 'cat.png', url, contentType: 'image/png', size: 10 }],
    });
    const upload = await h.discord.waitFor(mp4Upload);
    const taskId = (upload.files[0]?.name ?? '').replace(/\.mp4$/, '');
    expect(h.sim.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/task/jimeng/image2video',
    ]);
    const task = await createClient({ baseURL: h.served.url, token: 'sim-token' }).getTask(taskId);
    expect(task.imageUrls).toEqual([url]);
  });

  it('a prompt refused by moderation at submit is told, with no task and no upload', async () => {
    h = await startHarness();
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: 'something [moderation]' }],
    });
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('refused by the provider'),
    );
    expect(contentOf(final)).toContain('moderation');
    expect(contentOf(final)).toContain('request id');
    expect(h.discord.requests.some((r) => r.files.length > 0)).toBe(false);
  });

  it('a submit the provider never answers is not retried, and the user is told it may have landed', async () => {
    h = await startHarness({ jimeng: { timeoutMs: 800 } });
    h.sim.fault({ route: 'create', kind: 'hang' });
    await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [{ name: 'prompt', type: 3, value: 'a slow answer' }],
    });
    const final = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes('cannot tell whether'),
    );
    expect(contentOf(final)).toContain("won't submit it twice");
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('9:21 without an image is refused privately before any upstream call', async () => {
    h = await startHarness();
    const { id } = await h.discord.sendInteraction({
      commandName: 'jimeng',
      subcommand: 'create',
      options: [
        { name: 'prompt', type: 3, value: 'tall' },
        { name: 'aspect_ratio', type: 3, value: '9:21' },
      ],
    });
    const reply = await h.discord.waitFor((r) => r.path.startsWith(`/interactions/${id}/`));
    const body = reply.body as { data: { content: string; flags: number } };
    expect(body.data.flags & 64).toBe(64);
    expect(body.data.content).toContain('9:21');
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
