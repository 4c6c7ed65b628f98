import { describe, expect, it } from 'vitest';
import { cacheSeconds } from '../../edge/cache-policy.ts';
import type { Task } from '../../src/index.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const task = (status: Task['status'], videoUrlExpiresAt: string | null = null) =>
  ({ id: '1', status, videoUrlExpiresAt }) as Task;

describe('how long a terminal answer is reused', () => {
  it('a done task: until a minute before its video URL dies', () => {
    expect(cacheSeconds(task('done', '2026-01-01T01:00:00Z'), now)).toBe(59 * 60);
  });

  it('a done task whose URL is dead, or about to die, or unknown: not at all', () => {
    expect(cacheSeconds(task('done', '2025-12-31T23:00:00Z'), now)).toBe(0);
    expect(cacheSeconds(task('done', '2026-01-01T00:00:30Z'), now)).toBe(0);
    expect(cacheSeconds(task('done'), now)).toBe(0);
  });

  it('running tasks never; not_found briefly; failures and expiries for an hour', () => {
    expect(cacheSeconds(task('queued'), now)).toBe(0);
    expect(cacheSeconds(task('processing'), now)).toBe(0);
    expect(cacheSeconds(task('unknown'), now)).toBe(0);
    expect(cacheSeconds(task('not_found'), now)).toBe(60);
    expect(cacheSeconds(task('failed'), now)).toBe(3600);
    expect(cacheSeconds(task('expired'), now)).toBe(3600);
  });
});
