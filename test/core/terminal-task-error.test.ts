import { describe, expect, it } from 'vitest';
import { type Task, terminalTaskError } from '../../src/index.ts';

function task(status: Task['status']): Task {
  return {
    id: '1',
    status,
    upstreamStatus: status,
    videoUrl: null,
    videoUrlExpiresAt: null,
    imageUrls: [],
    imagesBase64: [],
    params: null,
    requestId: 'req-1',
    checkedAt: new Date(0).toISOString(),
    raw: null,
  };
}

describe('terminalTaskError', () => {
  it.each([
    ['failed', 'task_failed', /failed on the provider's side/],
    ['not_found', 'task_not_found', /12 hours/],
    ['expired', 'task_expired', /expired/],
  ] as const)('a %s task is a %s error naming the task and the request', (status, code, said) => {
    const error = terminalTaskError(task(status));
    expect(error).toMatchObject({ code, taskId: '1', requestId: 'req-1' });
    expect(error?.message).toMatch(said);
  });

  it.each(['done', 'queued', 'processing', 'unknown'] as const)(
    'a %s task is no error',
    (status) => {
      expect(terminalTaskError(task(status))).toBeUndefined();
    },
  );
});
