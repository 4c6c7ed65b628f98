import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isJimengError, type JimengError, type JimengErrorCode } from '../src/index.ts';
import type { AppEnv } from './env.ts';
import { logUnexpected } from './log-unexpected.ts';

/** Codes the edge adds to the core's: things only an HTTP front door can get wrong. */
export type EdgeErrorCode =
  | 'caller_unauthorized'
  | 'rate_limited'
  | 'not_found'
  | 'task_not_done'
  | 'video_expired'
  | 'invalid_request'
  | 'webhook_limit'
  | 'not_configured';

/** An edge-side refusal: an HTTPException that knows its stable code. */
export class EdgeError extends HTTPException {
  readonly code: EdgeErrorCode;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    status: ContentfulStatusCode,
    code: EdgeErrorCode,
    message: string,
    retryAfterSeconds?: number,
  ) {
    super(status, { message });
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The core's codes as honest HTTP statuses. `unauthorized` is the provider refusing *our*
 * token: the caller can do nothing about it, so 503, never 401.
 */
const statusByCode: Record<JimengErrorCode, ContentfulStatusCode> = {
  invalid_task_id: 400,
  invalid_request: 400,
  unauthorized: 503,
  rate_limited: 429,
  api_error: 502,
  task_failed: 502,
  task_not_found: 404,
  task_expired: 410,
  timeout: 504,
  upstream_error: 502,
  // The caller left; nobody reads this answer.
  aborted: 499 as ContentfulStatusCode,
  too_large: 502,
};

function statusOf(error: JimengError): ContentfulStatusCode {
  // A business refusal of what was asked (moderation, invalid input) is not a provider outage.
  if (
    error.code === 'api_error' &&
    error.httpStatus &&
    error.httpStatus >= 400 &&
    error.httpStatus < 500
  ) {
    return 422;
  }
  return statusByCode[error.code];
}

function redactor(c: Context<AppEnv>) {
  // Belt and braces: core messages are already redacted, edge ones never hold the token.
  return c.get('upstream')?.redact ?? ((text: string) => text);
}

export interface ErrorAnswer {
  status: ContentfulStatusCode;
  body: { error: { code: string; message: string; requestId?: string } };
  headers: Record<string, string>;
}

/**
 * Any error as the status, body and headers a caller gets: the single mapping, used by
 * `onError` and by the SSE route (whose errors arrive after its headers are sent).
 */
export function describeError(error: unknown, c: Context<AppEnv>): ErrorAnswer {
  const redact = redactor(c);
  const answer = (
    status: ContentfulStatusCode,
    code: string,
    message: string,
    requestId?: string,
    headers: Record<string, string> = {},
  ): ErrorAnswer => ({
    status,
    body: { error: { code, message: redact(message), ...(requestId ? { requestId } : {}) } },
    headers,
  });
  if (isJimengError(error)) {
    const headers: Record<string, string> = {};
    if (error.code === 'rate_limited') {
      headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
    }
    return answer(statusOf(error), error.code, error.message, error.requestId, headers);
  }
  if (error instanceof EdgeError) {
    const headers: Record<string, string> =
      error.retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(error.retryAfterSeconds) };
    return answer(error.status, error.code, error.message, undefined, headers);
  }
  if (error instanceof HTTPException) {
    // Hono's own: bearer-auth refusals (they carry a challenge), malformed JSON bodies.
    const challenge = error.getResponse().headers.get('www-authenticate');
    if (challenge) {
      return answer(
        401,
        'caller_unauthorized',
        'Present a valid key as "Authorization: Bearer <key>".',
        undefined,
        { 'www-authenticate': challenge },
      );
    }
    return answer(
      error.status as ContentfulStatusCode,
      'invalid_request',
      error.message || 'Bad request.',
    );
  }
  // A bug of ours: say so without details, which could carry anything.
  logUnexpected('edge: unexpected error', error);
  return answer(500, 'internal_error', 'Unexpected error in the edge worker.');
}

/** The one place errors become responses: `{ error: { code, message, requestId? } }`. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const { status, body, headers } = describeError(error, c);
  c.header('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(body, status);
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}.` } }, 404);
