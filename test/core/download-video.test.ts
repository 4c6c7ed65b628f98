import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acceleratedClock, type Clock, createClient, systemClock } from '../../src/index.ts';
import { SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import {
  closedPort,
  type Harness,
  laggingClock,
  rejectionOf,
  serveOnLoopback,
  startHarness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

async function finishedTask() {
  const id = h.sim.addTask({ durationMs: 1 });
  return h.client.waitForTask(id);
}

describe('downloadVideo', () => {
  it('returns the exact video bytes with their type and size, reporting progress', async () => {
    const task = await finishedTask();
    const progress: number[] = [];
    const video = await h.client.downloadVideo(task, {
      onProgress: ({ received }) => progress.push(received),
    });
    const expected = sampleVideo();
    expect(video.size).toBe(expected.byteLength);
    expect(video.contentType).toBe('video/mp4');
    expect(Buffer.from(video.bytes).equals(Buffer.from(expected))).toBe(true);
    expect(progress.at(-1)).toBe(expected.byteLength);
  });

  it('stops reading past maxBytes and rejects with too_large', async () => {
    const task = await finishedTask();
    const error = await rejectionOf(h.client.downloadVideo(task, { maxBytes: 1000 }));
    expect(error.code).toBe('too_large');
    expect(error.taskId).toBe(task.id);
  });

  it('an expired link is an upstream_error telling to query again, never video bytes', async () => {
    const task = await finishedTask();
    const expired = {
      ...task,
      videoUrl: task.videoUrl?.replace(/\/[0-9a-f]{8}\//, '/5f5e1000/') ?? null,
    };
    const error = await rejectionOf(h.client.downloadVideo(expired));
    expect(error.code).toBe('upstream_error');
    expect(error.httpStatus).toBe(403);
    expect(error.message).toMatch(/query the task again/);
  });

  it("says the link expired by the client's clock, the one the task's expiry was read on", async () => {
    const task = await finishedTask();
    // An hour ahead of this machine: by the client's time the link died half an hour ago.
    const client = createClient({
      token: SIMULATOR_TOKEN,
      baseURL: h.server.url,
      clock: acceleratedClock(1, Date.now() + 3_600_000),
    });
    const expiresAt = new Date(Date.now() + 1_800_000).toISOString();
    const error = await rejectionOf(
      client.downloadVideo({
        ...task,
        videoUrl: task.videoUrl?.replace(/\/[0-9a-f]{8}\//, '/5f5e1000/') ?? null,
        videoUrlExpiresAt: expiresAt,
      }),
    );
    expect(error.httpStatus).toBe(403);
    expect(error.message).toContain(`The link expired at ${expiresAt}`);
  });

  it('a link used past its expiry is a 403 upstream_error saying the link expired', async () => {
    // One hand-moved clock for the simulator and the client.
    let now = Date.UTC(2025, 4, 1, 17, 19, 24);
    const clock: Clock = {
      now: () => now,
      schedule: systemClock.schedule,
      sleep: systemClock.sleep,
    };
    const own = await startHarness({ sim: { now: clock.now }, client: { clock } });
    try {
      const task = await own.client.getTask(own.sim.addTask({ durationMs: 0 }));
      expect(task.videoUrlExpiresAt).toBe('2025-05-01T18:19:24.000Z');
      now += 3_599_000;
      expect((await own.client.downloadVideo(task)).size).toBe(sampleVideo().byteLength);
      now += 1_000;
      const error = await rejectionOf(own.client.downloadVideo(task));
      expect(error.code).toBe('upstream_error');
      expect(error.httpStatus).toBe(403);
      expect(error.taskId).toBe(task.id);
      expect(error.message).toMatch(/link expired at 2025-05-01T18:19:24\.000Z/);
    } finally {
      await own.close();
    }
  });

  it('an HTML page where the video should be is an upstream_error', async () => {
    const task = await finishedTask();
    h.sim.fault({ kind: 'html', status: 200, route: 'video' });
    const error = await rejectionOf(h.client.downloadVideo(task));
    expect(error.code).toBe('upstream_error');
  });

  it('a 200 text answer where the video should be is an upstream_error, not video bytes', async () => {
    // A CDN or a captive portal that says "Access denied" in plain text, with a 200.
    const server = await serveOnLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Access denied');
    });
    try {
      const error = await rejectionOf(
        h.client.downloadVideo({ id: '1', videoUrl: `${server.url}/v` }),
      );
      expect(error.code).toBe('upstream_error');
      expect(error.message).toMatch(/text\/plain/);
    } finally {
      await server.close();
    }
  });

  it('refuses a timeoutMs that is not a positive number instead of never timing out', async () => {
    const task = await finishedTask();
    // '5000' is what an environment variable gives: it made the deadline a string, i.e. none.
    for (const timeoutMs of [Number.NaN, 0, -5, '5000' as unknown as number]) {
      const error = await rejectionOf(h.client.downloadVideo(task, { timeoutMs }));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/timeoutMs/);
    }
  });

  it('an unreachable video host is an upstream_error that says why', async () => {
    const error = await rejectionOf(
      h.client.downloadVideo({ id: '1', videoUrl: `http://127.0.0.1:${await closedPort()}/v.mp4` }),
    );
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/Could not reach the video host.*ECONNREFUSED/);
  });

  it('a task without a video is refused with a clear reason', async () => {
    const id = h.sim.addTask({ durationMs: 60_000 });
    const task = await h.client.getTask(id);
    const error = await rejectionOf(h.client.downloadVideo(task));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/no video yet \(status: queued\)/);
  });

  it('refuses what is not a task (null, a task not yet awaited) with invalid_request', async () => {
    const missing = await rejectionOf(h.client.downloadVideo(null as never));
    expect(missing.code).toBe('invalid_request');
    // downloadVideo(waitForTask(id)) without the await in between.
    const pendingTask = h.client.getTask('12345678901234567890');
    const error = await rejectionOf(h.client.downloadVideo(pendingTask as never));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/await/);
    await pendingTask;
  });

  it('a done task that came without a link says to query again, not to wait for done', async () => {
    const error = await rejectionOf(
      h.client.downloadVideo({ id: '1', status: 'done', videoUrl: null }),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(
      'Task 1 is done but the provider sent no video link with it. Query the task again for one.',
    );
  });

  it('an abort stops the download', async () => {
    const task = await finishedTask();
    h.sim.fault({ kind: 'hang', route: 'video' });
    const controller = new AbortController();
    const pending = rejectionOf(h.client.downloadVideo(task, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect((await pending).code).toBe('aborted');
  });

  it('a timeoutMs too long for a timer does not end the download at once', async () => {
    const task = await finishedTask();
    h.sim.fault({ kind: 'delay', ms: 2_000, route: 'video' });
    const video = await h.client.downloadVideo(task, { timeoutMs: Number.MAX_SAFE_INTEGER });
    expect(video.size).toBeGreaterThan(0);
  });

  it('timeoutMs ends a stalled download with a timeout, even when the timer beats the clock', async () => {
    const task = await finishedTask();
    h.sim.fault({ kind: 'hang', route: 'video' });
    const client = createClient({
      token: SIMULATOR_TOKEN,
      baseURL: h.server.url,
      clock: laggingClock(),
    });
    const error = await rejectionOf(client.downloadVideo(task, { timeoutMs: 50 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/Timed out after 50 ms while downloading the video of task/);
  });
});

/** A video host that never stops sending and never says how much: only the reader can end it. */
async function startEndlessHost() {
  let sent = 0;
  let closed!: () => void;
  const hungUp = new Promise<void>((resolve) => (closed = resolve));
  const server = await serveOnLoopback((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    const chunk = new Uint8Array(16 * 1024).fill(7);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.byteLength;
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', closed);
    pump();
  });
  return {
    url: `${server.url}/v.mp4`,
    sent: () => sent,
    /** Settles when the client hangs up. */
    hungUp,
    close: server.close,
  };
}

describe('downloadVideo without a Content-Length', () => {
  it('stops reading an endless stream at maxBytes and hangs up', async () => {
    const host = await startEndlessHost();
    try {
      const error = await rejectionOf(
        h.client.downloadVideo({ id: '1', videoUrl: host.url }, { maxBytes: 256 * 1024 }),
      );
      expect(error.code).toBe('too_large');
      await host.hungUp;
      expect(host.sent()).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await host.close();
    }
  });
});

describe('downloadVideo with a throwing onProgress', () => {
  it("rejects with the callback's error and hangs up on the host", async () => {
    const host = await startEndlessHost();
    try {
      const pending = h.client.downloadVideo(
        { id: '1', videoUrl: host.url },
        {
          onProgress: () => {
            throw new Error('bug in onProgress');
          },
        },
      );
      await expect(pending).rejects.toThrow('bug in onProgress');
      // Before, the socket stayed open, the host stalled mid-send, until garbage collection.
      await host.hungUp;
    } finally {
      await host.close();
    }
  });
});

describe('downloadVideo from a host that breaks off', () => {
  it('a connection dropped mid-body is an upstream_error, not a bare TypeError', async () => {
    // Content-Length promises 100 KB; the host sends 1 KB and hangs up.
    const server = await serveOnLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '100000' });
      res.write(new Uint8Array(1024).fill(7), () => res.destroy());
    });
    try {
      const error = await rejectionOf(
        h.client.downloadVideo({ id: '1', videoUrl: `${server.url}/v.mp4` }),
      );
      expect(error).toMatchObject({ code: 'upstream_error', taskId: '1', httpStatus: 200 });
      expect(error.message).toMatch(/broke off after 1024 bytes/);
    } finally {
      await server.close();
    }
  });
});
