import { isJimengError } from '../../src/index.ts';

/**
 * Why a done task's video could not be fetched, sorted by what the user (or the bot) does
 * next. `too_large` is not here: that video goes as a link, not as a failure.
 */
export type DownloadFailure =
  /** 403, 404 or 410: the CDN's answer to a signed link past its expiry (or revoked). */
  | { kind: 'link_refused'; httpStatus: number }
  /** A page, or nothing, where the video should be: a dead or blocked link, not a busy host. */
  | { kind: 'not_a_video' }
  /** The task is done but came without a link. */
  | { kind: 'no_link' }
  | { kind: 'timed_out' }
  /** Any other status: the host itself is failing, and the same link may work in a moment. */
  | { kind: 'host_error'; httpStatus: number }
  | { kind: 'broke_off' }
  | { kind: 'unreachable' }
  | { kind: 'other' };

/** What a fresh link (the task queried again) may cure. */
export const LINK_FAILURES: ReadonlySet<DownloadFailure['kind']> = new Set([
  'link_refused',
  'not_a_video',
  'no_link',
]);

const expiredLinkStatuses = new Set([403, 404, 410]);

/**
 * Reads the core's `downloadVideo` error by its fields, not its wording: an `upstream_error`
 * with a status is the host's answer; with a 2xx status and a cause, the body broke off; with
 * a cause only, the host was never reached; with neither, the host answered 2xx with a page or
 * an empty body.
 */
export function downloadFailure(error: unknown): DownloadFailure {
  if (!isJimengError(error)) return { kind: 'other' };
  if (error.code === 'timeout') return { kind: 'timed_out' };
  if (error.code === 'invalid_request') return { kind: 'no_link' };
  if (error.code !== 'upstream_error') return { kind: 'other' };
  const status = error.httpStatus;
  const hasCause = error.cause !== undefined;
  if (status === undefined) return hasCause ? { kind: 'unreachable' } : { kind: 'not_a_video' };
  if (status >= 200 && status < 300) return hasCause ? { kind: 'broke_off' } : { kind: 'other' };
  if (expiredLinkStatuses.has(status)) return { kind: 'link_refused', httpStatus: status };
  return { kind: 'host_error', httpStatus: status };
}
