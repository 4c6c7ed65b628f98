import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createStatusLine } from '../../src/cli/status-line.ts';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

it('a live line on a terminal keeps its elapsed time ticking while the status stays the same', () => {
  const writes: string[] = [];
  const line = createStatusLine({ write: (text) => writes.push(text), isTTY: true }, Date.now);
  line.show('task 1: generating');
  vi.advanceTimersByTime(90_000);
  expect(writes.at(-1)).toBe('\r\x1b[2Ktask 1: generating · 90 s');
  line.end();
  const written = writes.length;
  vi.advanceTimersByTime(5_000);
  expect(writes).toHaveLength(written);
});

it('plain lines off a terminal are written once per change, never ticked', () => {
  const writes: string[] = [];
  const line = createStatusLine({ write: (text) => writes.push(text), isTTY: false }, Date.now);
  line.show('task 1: generating');
  vi.advanceTimersByTime(90_000);
  line.end();
  expect(writes).toEqual(['task 1: generating · 0 ms\n']);
});
