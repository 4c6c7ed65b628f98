import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, rejectionOf, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

const submits = () => h.sim.requests.filter((r) => r.method === 'POST');

describe('createVideo', () => {
  it('submits text-to-video and returns the id as an exact string', async () => {
    const created = await h.client.createVideo({
      prompt: 'a red fox in snow',
      aspectRatio: '9:16',
      seed: 7,
    });
    expect(created.taskId).toMatch(/^\d{19,20}$/);
    expect(BigInt(created.taskId) > 2n ** 63n).toBe(true);
    expect(created.requestId).toBeTruthy();
    expect(submits()[0]?.path).toBe('/task/jimeng/text2video');
    const task = await h.client.waitForTask(created.taskId);
    expect(task.params).toMatchObject({
      prompt: 'a red fox in snow',
      aspectRatio: '9:16',
      seed: 7,
    });
  });

  it('submits image-to-video when images are given', async () => {
    await h.client.createVideo({
      prompt: 'make it move',
      imageUrls: ['https://example.com/a.png'],
    });
    expect(submits()[0]?.path).toBe('/task/jimeng/image2video');
  });

  it('sends base64 images as given, line breaks and URL-safe alphabet included', async () => {
    await h.client.createVideo({ prompt: 'make it move', imagesBase64: ['iVBO\nRw0K-Ggo_='] });
    expect(submits()[0]?.path).toBe('/task/jimeng/image2video');
  });

  it.each([
    [{ prompt: 'x'.repeat(151) }, /at most 150 characters/],
    [{ prompt: '   ' }, /must not be empty/],
    [{ prompt: 'ok', aspectRatio: '2:1' }, /aspectRatio must be one of/],
    [{ prompt: 'ok', aspectRatio: '9:21' }, /only available for image-to-video/],
    [{ prompt: 'ok', seed: 1.5 }, /seed must be an integer/],
    [{ prompt: 'ok', seed: -2 }, /seed must be an integer from -1 \(random\)/],
    [{ prompt: 'ok', seed: 2 ** 32 }, /to 4294967295/],
    [{ prompt: 'ok', imageUrls: ['file:///etc/passwd'] }, /http or https/],
    [{ prompt: 'ok', colour: 'blue' }, /colour/],
    [{ prompt: 'ok', imagesBase64: ['data:image/png;base64,iVBORw0KGgo='] }, /data: prefix/],
    [{ prompt: 'ok', imagesBase64: ['./cat.png'] }, /base64/],
  ])('refuses %j before sending anything', async (options, message) => {
    const error = await rejectionOf(h.client.createVideo(options as never));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(message);
    expect(h.sim.requests).toHaveLength(0);
  });

  it.each([
    [{ prompt: 'x'.repeat(151) }, 'prompt must be at most 150 characters'],
    [{ prompt: 'ok', colour: 'blue' }, 'unknown option "colour"'],
    [
      { prompt: 'ok', imageUrls: ['not a url'] },
      'imageUrls.0: each image URL must be an absolute http or https URL',
    ],
  ])('says what is wrong with %j in one plain sentence', async (options, reason) => {
    const error = await rejectionOf(h.client.createVideo(options as never));
    expect(error.message).toBe(`Invalid video request: ${reason}.`);
  });

  it('counts a 150-character prompt in characters, not UTF-16 units', async () => {
    await expect(h.client.createVideo({ prompt: '🦊'.repeat(150) })).resolves.toBeTruthy();
  });

  it('a moderation refusal is an api_error explaining the code, not retried', async () => {
    const error = await rejectionOf(h.client.createVideo({ prompt: 'something [moderation]' }));
    expect(error).toMatchObject({ code: 'api_error', upstreamCode: 50412, httpStatus: 400 });
    expect(error.message).toMatch(/prompt failed moderation/);
    expect(error.requestId).toBeTruthy();
    expect(submits()).toHaveLength(1);
  });

  it('is never retried once the request may have arrived (5xx, timeouts, resets)', async () => {
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'reset' },
      { kind: 'truncated-json' },
    ] as const) {
      h.sim.reset();
      h.sim.fault({ ...fault, route: 'create' });
      await rejectionOf(h.client.createVideo({ prompt: 'once only' }));
      expect(submits()).toHaveLength(1);
    }
    h.sim.reset();
    h.sim.fault({ kind: 'hang', route: 'create' });
    const error = await rejectionOf(
      h.client.createVideo({ prompt: 'once only' }, { timeoutMs: 60_000 }),
    );
    expect(error.code).toBe('timeout');
    expect(submits()).toHaveLength(1);
  });

  it("a slow submit gets the caller's whole timeoutMs, not one 30 s attempt, and says it may exist", async () => {
    h.sim.fault({ kind: 'hang', route: 'create' });
    const started = h.clock.now();
    const error = await rejectionOf(
      h.client.createVideo({ prompt: 'slow' }, { timeoutMs: 90_000 }),
    );
    expect(error.code).toBe('timeout');
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(90_000);
    expect(error.message).toMatch(/^Timed out after 90 s while submitting a video task\./);
    expect(error.message).toMatch(/may have been created/);
    expect(submits()).toHaveLength(1);
  });

  it('a timeoutMs too long for a timer (meaning "no hurry") does not end the submit at once', async () => {
    // setTimeout holds at most 2^31-1 ms and fires a longer delay after 1 ms.
    h.sim.fault({ kind: 'delay', ms: 2_000, route: 'create' });
    const created = await h.client.createVideo(
      { prompt: 'patient' },
      { timeoutMs: Number.MAX_SAFE_INTEGER },
    );
    expect(created.taskId).toMatch(/^\d+$/);
  });

  it('an abort mid-submit says the task may exist; an abort before sending does not', async () => {
    h.sim.fault({ kind: 'hang', route: 'create' });
    const controller = new AbortController();
    const pending = rejectionOf(
      h.client.createVideo({ prompt: 'cancelled' }, { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    expect(error.code).toBe('aborted');
    expect(error.message).toMatch(/^Cancelled while submitting a video task\./);
    expect(error.message).toMatch(/may have been created/);
    expect(submits()).toHaveLength(1);

    const early = await rejectionOf(
      h.client.createVideo({ prompt: 'never sent' }, { signal: AbortSignal.abort() }),
    );
    expect(early.code).toBe('aborted');
    expect(early.message).not.toMatch(/may have been created/);
    expect(submits()).toHaveLength(1);

    // Cut during the wait after a 429, which said nothing was created.
    h.sim.fault({ kind: 'status', status: 429, retryAfter: '30', route: 'create' });
    const later = new AbortController();
    const waiting = rejectionOf(
      h.client.createVideo({ prompt: 'refused' }, { signal: later.signal }),
    );
    setTimeout(() => later.abort(), 50);
    const refused = await waiting;
    expect(refused.code).toBe('aborted');
    expect(refused.message).not.toMatch(/may have been created/);
  });

  it('is retried after a rate-limit refusal, which proves nothing was created', async () => {
    h.sim.fault({ kind: 'status', status: 429, retryAfter: '1', route: 'create' });
    await expect(h.client.createVideo({ prompt: 'again' })).resolves.toBeTruthy();
    expect(submits()).toHaveLength(2);
  });
});
