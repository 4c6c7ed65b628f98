import { describe, expect, it } from 'vitest';
import type { EdgeTask } from '../../edge/edge-task.ts';
import { readUpdate, updateLine } from '../../edge/follower/follower-update.ts';
import { renderTask } from '../../edge/rendered-task.ts';
import { redactor } from '../../src/index.ts';

const TOKEN = 'sk-follower-update-token';
const redact = redactor(TOKEN);

/** A done task whose provider body holds tabs, newlines and, echoed back, the token. */
const task: EdgeTask = {
  id: '14117763723766220057',
  status: 'done',
  upstreamStatus: 'SUCCESS',
  videoUrl: 'https://video.example/clip.mp4?x-expires=1767229200',
  videoUrlExpiresAt: '2026-01-01T01:00:00.000Z',
  imageUrls: [],
  imagesBase64: [],
  params: null,
  requestId: 'req-1',
  checkedAt: '2026-01-01T00:00:00.000Z',
  raw: { data: { resp_data: '{"prompt":"a fox\tin\nthe snow"}', echo: `Bearer ${TOKEN}` } },
  archived: false,
};

/** What a watcher reads: the line as the follower wrote it, without its newline. */
const across = (line: string) => readUpdate(line.slice(0, -1));

describe('the follower-to-watcher stream', () => {
  it("a task arrives as GET /task/:id's exact body, tabs and newlines inside it included", () => {
    const line = updateLine({ type: 'task', task: renderTask(task, redact), polled: true });
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const update = across(line);
    if (update.type !== 'task') throw new Error(`a ${update.type} update`);
    expect(update.polled).toBe(true);
    expect(update.task.json).toBe(redact(JSON.stringify(task)));
    expect(update.task.head).toEqual({
      id: task.id,
      status: 'done',
      archived: false,
      checkedAt: task.checkedAt,
      videoUrlExpiresAt: task.videoUrlExpiresAt,
      requestId: 'req-1',
    });
    expect(update.task.task).toEqual({
      ...task,
      raw: { data: { ...(task.raw as { data: object }).data, echo: 'Bearer [redacted]' } },
    });
  });

  it('never carries the token', () => {
    const line = updateLine({ type: 'task', task: renderTask(task, redact), polled: false });
    expect(line).not.toContain(TOKEN);
  });

  it('an error arrives as it was sent', () => {
    const error = { code: 'rate_limited', message: 'Slow down.', retryAfterMs: 2_000 } as const;
    const sent = { type: 'error', error: { ...error, retryable: true }, polled: true } as const;
    expect(across(updateLine(sent))).toEqual(sent);
  });
});
