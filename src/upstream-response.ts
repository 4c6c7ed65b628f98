import * as v from 'valibot';
import {
  describeBusinessCode,
  rateLimitCodes,
  retryableQueryCodes,
  SUCCESS_CODE,
} from './business-codes.ts';
import {
  ApiError,
  type JimengError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamError,
} from './errors.ts';
import { parseRetryAfter, retryStatusCodes } from './retry-policy.ts';
import {
  ProxyErrorSchema,
  type UpstreamEnvelope,
  UpstreamEnvelopeSchema,
} from './upstream-schema.ts';

/** One HTTP answer from the provider, as read off the wire. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface ResponseContext {
  taskId?: string | undefined;
  /** What was being done, for messages: "querying task 123", "submitting a video". */
  action: string;
  now: number;
  /** Scrubs the token out of anything the provider echoes back. */
  redact: (text: string) => string;
  hasToken: boolean;
}

export interface Envelope {
  envelope: UpstreamEnvelope;
  json: unknown;
  requestId: string | undefined;
}

/**
 * Turns an answer into the envelope or a typed error. Order matters: a body that is not JSON (an
 * HTML page, garbage) first, then `code` (read before any `data.status`), and the proxy's own
 * error shape when there is no code. Every query of every poll passes here, so a plain success
 * is returned before anything only an error needs (Retry-After, the content type) is read.
 */
export function readEnvelope(response: UpstreamResponse, context: ResponseContext): Envelope {
  const { status, text } = response;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return fail(notJson(response, context, cause));
  }
  const parsed = v.safeParse(UpstreamEnvelopeSchema, json);
  if (parsed.success && parsed.output.code === SUCCESS_CODE && status < 400) {
    return { envelope: parsed.output, json, requestId: parsed.output.request_id || undefined };
  }

  const base = errorDetails(response, context);
  const transient = isTransient(status);
  if (!parsed.success) {
    const proxyError = v.safeParse(ProxyErrorSchema, json);
    if (proxyError.success) {
      const said = context.redact(proxyError.output.error.message ?? '');
      // The proxy has no request_id field: it writes "invalid token (request id: 2025…)".
      const id = /\s*\(request id: ?([\w-]+)\)/i.exec(said);
      const message = (id ? said.replace(id[0], '') : said).slice(0, 300);
      const details = { ...base, requestId: id?.[1] };
      return fail(
        refusedByStatus(status, context, details, message) ??
          new (transient ? UpstreamError : ApiError)(
            `The provider's gateway refused ${context.action} (HTTP ${status}): ${message || 'no message'}.`,
            { ...details, upstreamMessage: message, retryable: transient },
          ),
      );
    }
    return fail(
      refusedByStatus(status, context, base) ??
        new UpstreamError(
          `The provider sent an unexpected body (HTTP ${status}, no numeric "code") while ${context.action}.`,
          { ...base, retryable: transient },
        ),
    );
  }
  const envelope = parsed.output;
  const details = { ...base, requestId: envelope.request_id || undefined };

  if (envelope.code !== SUCCESS_CODE) {
    const upstreamMessage = context.redact(envelope.message ?? '').slice(0, 300);
    const withCode = { ...details, upstreamCode: envelope.code, upstreamMessage };
    if (status === 401 || status === 403)
      return fail(unauthorized(context, withCode, upstreamMessage));
    if (rateLimitCodes.has(envelope.code) || status === 429) {
      return fail(rateLimited(context, withCode, upstreamMessage));
    }
    const known = describeBusinessCode(envelope.code);
    const meaning = known?.meaning ?? (upstreamMessage || 'no reason given');
    return fail(
      new ApiError(
        `The provider refused ${context.action}: ${meaning} (code ${envelope.code}${upstreamMessage && known ? `: ${upstreamMessage}` : ''}).`,
        // The documented transient codes, or any code the provider sends with a 5xx/408/425.
        { ...withCode, retryable: transient || retryableQueryCodes.has(envelope.code) },
      ),
    );
  }
  return fail(
    new UpstreamError(
      `The provider answered HTTP ${status} with a success code while ${context.action}.`,
      { ...details, retryable: transient },
    ),
  );
}

/** A body that does not parse: an HTML error page, a cut-off answer, or a bare proxy's text. */
function notJson(
  response: UpstreamResponse,
  context: ResponseContext,
  cause: unknown,
): JimengError {
  const { status, headers, text } = response;
  const base = errorDetails(response, context);
  const transient = isTransient(status);
  // A bare proxy or load balancer answers with a status and a text (or empty) body: the
  // status then says it all.
  const byStatus = refusedByStatus(status, context, base);
  if (byStatus) return byStatus;
  if (/html|xml/i.test(headers.get('content-type') ?? '') || /^\s*</.test(text)) {
    return new UpstreamError(
      `The provider answered HTTP ${status} with an HTML page instead of JSON while ${context.action}; it is likely down or behind a failing proxy. Try again later.`,
      { ...base, retryable: transient },
    );
  }
  const refused = status >= 400 && !transient;
  const next = refused
    ? 'Check JIMENG_BASE_URL: it may not point at the provider API.'
    : 'Try again later.';
  return new UpstreamError(
    `The provider sent a body that is not valid JSON (HTTP ${status}, ${text.length} bytes) while ${context.action}. ${next}`,
    // A cut-off body is usually a dropped connection: asking again is safe for reads.
    // A 4xx page is an answer, and asking again gets the same one.
    { ...base, retryable: !refused, cause },
  );
}

function errorDetails({ status, headers }: UpstreamResponse, context: ResponseContext) {
  return {
    taskId: context.taskId,
    httpStatus: status,
    retryAfterMs: parseRetryAfter(headers.get('retry-after'), context.now),
  };
}

function isTransient(status: number): boolean {
  return status >= 500 || retryStatusCodes.has(status);
}

/** Whatever the body, 401/403 and 429 say what happened: refused credentials, or not now. */
function refusedByStatus(
  status: number,
  context: ResponseContext,
  details: { retryAfterMs?: number | undefined },
  message?: string,
): JimengError | undefined {
  if (status === 401 || status === 403) return unauthorized(context, details, message);
  if (status === 429) return rateLimited(context, details, message);
  return undefined;
}

function unauthorized(context: ResponseContext, details: object, message?: string): JimengError {
  const hint = context.hasToken
    ? 'check that JIMENG_TOKEN is a valid, unexpired key'
    : 'no token was configured: set JIMENG_TOKEN (or pass `token`)';
  const said = message ? ` It said: ${message}.` : '';
  return new UnauthorizedError(
    `The provider refused the credentials while ${context.action}: ${hint}.${said}`,
    details,
  );
}

function rateLimited(
  context: ResponseContext,
  details: { retryAfterMs?: number | undefined },
  message?: string,
): JimengError {
  const wait =
    details.retryAfterMs === undefined ? 'later' : `in ${Math.ceil(details.retryAfterMs / 1000)} s`;
  const said = message ? ` (${message})` : '';
  return new RateLimitedError(
    `The provider is rate limiting ${context.action}${said}; try again ${wait}.`,
    details,
  );
}

function fail(error: JimengError): never {
  throw error;
}
