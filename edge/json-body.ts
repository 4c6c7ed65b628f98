import { validator } from 'hono/validator';
import { EdgeError } from './errors.ts';

/**
 * A route's JSON body, refused with a 400 unless it is sent as JSON, then checked by `parse`
 * (which throws the error a caller gets, e.g. an InvalidRequestError in the client's words).
 */
export function jsonBody<T>(parse: (value: unknown) => T) {
  return validator('json', (value, c) => {
    if (!/^application\/([\w.-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
      throw new EdgeError(
        400,
        'invalid_request',
        'Send the body as JSON (Content-Type: application/json).',
      );
    }
    return parse(value);
  });
}
