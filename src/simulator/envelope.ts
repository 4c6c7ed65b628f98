import { messageForCode, SUCCESS_CODE } from './business-codes.ts';
import { proxyRequestId, upstreamRequestId } from './request-id.ts';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const merged = new Headers(headers);
  merged.set('content-type', JSON_HEADERS['content-type']);
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/** Like the provider's `131.322333ms`: a plausible server time, not a measured one. */
function timeElapsed(): string {
  return `${(40 + Math.random() * 120).toFixed(6)}ms`;
}

/** The provider's success envelope, keys in the provider's order. */
export function successBody(data: unknown, at: number): Record<string, unknown> {
  return {
    code: SUCCESS_CODE,
    data,
    status: SUCCESS_CODE,
    message: 'Success',
    request_id: upstreamRequestId(at),
    time_elapsed: timeElapsed(),
  };
}

/** A business error: `code` is not 10000, `data` is null, the HTTP status may be 4xx/5xx. */
export function businessError(
  code: number,
  httpStatus: number,
  at: number,
  message = messageForCode(code),
  headers?: HeadersInit,
): Response {
  const body = {
    code,
    data: null,
    status: code,
    message,
    request_id: upstreamRequestId(at),
    time_elapsed: timeElapsed(),
  };
  return jsonResponse(body, httpStatus, headers);
}

/** The proxy in front of the provider answers its own errors (a bad token) in another shape. */
export function proxyError(httpStatus: number, message: string, at: number): Response {
  const body = {
    error: { message: `${message} (request id: ${proxyRequestId(at)})`, type: 'new_api_error' },
  };
  return jsonResponse(body, httpStatus);
}
