import { describe, expect, it } from 'vitest';
import { terminalTaskError } from '../../src/index.ts';
import { snapshot } from './harness.ts';

describe('terminalTaskError', () => {
  it.each([
    ['failed', 'task_failed', /failed on the provider's side/],
    ['not_found', 'task_not_found', /12 hours/],
    ['expired', 'task_expired', /expired/],
  ] as const)('a %s task is a %s error naming the task and the request', (status, code, said) => {
    const error = terminalTaskError(snapshot('1', status));
    expect(error).toMatchObject({ code, taskId: '1', requestId: 'req-1' });
    expect(error?.message).toMatch(said);
  });

  it.each(['done', 'queued', 'processing', 'unknown'] as const)(
    'a %s task is no error',
    (status) => {
      expect(terminalTaskError(snapshot('1', status))).toBeUndefined();
    },
  );
});
