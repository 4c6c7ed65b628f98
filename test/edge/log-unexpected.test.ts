import { afterEach, describe, expect, it, vi } from 'vitest';
import { logUnexpected } from '../../edge/log-unexpected.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an error nobody awaits (a background query of the follower, a bug)', () => {
  it('is logged by its name only: its message could hold a token or a body', () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => lines.push(args));
    logUnexpected('follower: a query failed', new TypeError('Bearer sim-secret-token in a URL'));
    logUnexpected('follower: a query failed', 'a thrown string with sim-secret-token');
    expect(lines).toEqual([
      ['follower: a query failed', 'TypeError'],
      ['follower: a query failed', 'string'],
    ]);
  });
});
