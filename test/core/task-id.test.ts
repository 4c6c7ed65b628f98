import { describe, expect, it } from 'vitest';
import { assertTaskId, InvalidTaskIdError, isValidTaskId } from '../../src/index.ts';
import { taskPath } from '../../src/task-id.ts';

describe('task ids', () => {
  it('accepts the provider ids, larger than 2^63, exactly as given', () => {
    expect(assertTaskId('14117763723766220057')).toBe('14117763723766220057');
    expect(BigInt('14117763723766220057') > 2n ** 63n).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'whitespace'],
    [' 123', 'whitespace'],
    ['12 3', 'whitespace'],
    ['12/3', 'slash'],
    ['..', '".."'],
    ['.', '"."'], // /task/. is /task/ once a URL parser has read it
    ['a..b', '".."'],
    ['1\u0000', 'control'],
    ['1\u0085', 'control'], // C1 control
    ['14117763723766220057\u200b', 'invisible'], // a zero-width space, pasted from a chat
    ['\u202e14117763723766220057', 'invisible'], // a right-to-left override
    ['`14117763723766220057`', 'backticks'], // copied with Discord's code formatting
    ['"14117763723766220057"', 'quotes'],
    ['1\n', 'whitespace'],
    ['1?x=2', 'URL syntax'],
    ['1#x', 'URL syntax'],
    ['%2e%2e', 'URL syntax'],
    ['9'.repeat(200), 'longer than'],
  ])('refuses %j with a reason (%s)', (id, reason) => {
    expect(() => assertTaskId(id)).toThrow(expect.objectContaining({ code: 'invalid_task_id' }));
    expect(() => assertTaskId(id)).toThrow(reason);
    expect(isValidTaskId(id)).toBe(false);
  });

  it('carries its problem as a field, so a caller words its own reply without parsing the message', () => {
    const problemOf = (id: unknown) => {
      try {
        assertTaskId(id);
      } catch (error) {
        return error instanceof InvalidTaskIdError ? error.problem : undefined;
      }
    };
    expect(problemOf('12 3')).toBe('it contains whitespace');
    expect(problemOf('')).toBe('it is empty');
    expect(problemOf('a: b.')).toBe('it contains whitespace');
    expect(problemOf(Number('14117763723766220057'))).toMatch(/^it is a number: .*strings$/);
    expect(problemOf(null)).toBe('it is null, not a string');
  });

  it('refuses a number and says why: it has already lost digits', () => {
    // 14117763723766220057 as a number is 14117763723766220000.
    expect(() => assertTaskId(Number('14117763723766220057'))).toThrow(/as a string.*2\^63/);
  });

  it('always puts the id URL-encoded in the path', () => {
    expect(taskPath('abc-DEF_1')).toBe('/task/abc-DEF_1');
    expect(taskPath('ünï')).toBe('/task/%C3%BCn%C3%AF');
  });
});
