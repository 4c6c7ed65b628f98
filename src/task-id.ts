import { InvalidTaskIdError } from './errors.ts';

/** Real ids are 19-20 digit decimals; anything past this is a paste accident, not an id. */
export const MAX_TASK_ID_LENGTH = 128;

/**
 * Checks an id before it goes anywhere near a URL. Ids are strings: the provider's ids are
 * larger than 2^63, so a `number` has already lost digits by the time it reaches us.
 */
export function assertTaskId(id: unknown): string {
  if (typeof id !== 'string') {
    const numeric = typeof id === 'number' || typeof id === 'bigint';
    const hint = numeric
      ? ' Pass it as a string: ids exceed 2^63 and a JavaScript number silently changes their last digits.'
      : '';
    throw new InvalidTaskIdError(`A task id must be a string, got ${typeOf(id)}.${hint}`, {
      problem: numeric
        ? `it is a ${typeof id}: ids exceed 2^63, so they are passed as strings`
        : `it is ${typeOf(id)}, not a string`,
    });
  }
  const problem = describeProblem(id);
  if (problem) {
    throw new InvalidTaskIdError(`Invalid task id ${preview(id)}: ${problem}.`, {
      taskId: id,
      problem,
    });
  }
  return id;
}

export function isValidTaskId(id: unknown): id is string {
  return typeof id === 'string' && describeProblem(id) === undefined;
}

/** The path for an id: always encoded, so an id can never address another route. */
export function taskPath(id: string): string {
  return `/task/${encodeURIComponent(assertTaskId(id))}`;
}

// The provider's own ids: checked first, because every query of every poll passes here.
const DIGITS_ONLY = new RegExp(`^\\d{1,${MAX_TASK_ID_LENGTH}}$`);

function describeProblem(id: string): string | undefined {
  if (DIGITS_ONLY.test(id)) return undefined;
  if (id.length === 0) return 'it is empty';
  if (id.length > MAX_TASK_ID_LENGTH) return `it is longer than ${MAX_TASK_ID_LENGTH} characters`;
  if (id.trim() !== id || /\s/.test(id)) return 'it contains whitespace';
  if (/\p{Cc}/u.test(id)) return 'it contains control characters';
  // Zero-width spaces and direction marks come along when an id is copied from a chat or a page:
  // the id looks right, and the provider would answer not_found.
  if (/\p{Cf}/u.test(id)) return 'it contains invisible characters (pasted along with it?)';
  // Chat apps and the bot show ids as `code`: a copy on a phone often takes the marks along.
  if (/[`'"]/.test(id)) return 'it contains quotes or backticks (copied along with it?)';
  if (id.includes('/') || id.includes('\\')) return 'it contains a slash';
  if (id.includes('..')) return 'it contains ".."';
  // A URL parser reads /task/. as /task/: the query would go to another route.
  if (id === '.') return 'it is "."';
  if (/[?#%]/.test(id)) return 'it contains URL syntax (?, # or %)';
  return undefined;
}

function preview(id: string): string {
  const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
  return JSON.stringify(shown);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return typeof value;
}
