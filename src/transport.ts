import { type $Fetch, FetchError, ofetch } from 'ofetch';
import { type JimengError, UpstreamError } from './errors.ts';
import { failureReason } from './failure-reason.ts';
import { redactor } from './redactor.ts';
import type { UpstreamResponse } from './upstream-response.ts';

export interface TransportOptions {
  baseURL: string;
  token: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown> | undefined;
  signal: AbortSignal;
}

export interface Transport {
  send(options: SendOptions): Promise<UpstreamResponse>;
  /** Replaces every occurrence of the token, so nothing the provider echoes can leak it. */
  redact(text: string): string;
  readonly hasToken: boolean;
}

/**
 * One HTTP exchange through ofetch. Retries are not ofetch's: its waits cannot be cancelled by
 * a signal, cannot see the provider's business codes and know nothing of the caller's deadline,
 * so with-retries.ts drives them. Bodies are read as text: JSON numbers would corrupt ids over 2^53,
 * and a body that does not parse must be reported, not silently passed on.
 */
export function createTransport(options: TransportOptions): Transport {
  const { token } = options;
  // Joined once here: ofetch's `baseURL` joins on every request, and that cost a tenth of the
  // client's whole overhead on a query (see the README's benchmarks).
  const base = options.baseURL.replace(/\/+$/, '');
  const client: $Fetch = ofetch.create(
    {
      retry: false,
      ignoreResponseError: true,
      responseType: 'text',
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    },
    options.fetch ? { fetch: options.fetch } : {},
  );
  const redact = redactor(token);

  return {
    hasToken: Boolean(token),
    redact,
    async send({ method, path, body, signal }) {
      try {
        const response = await client.raw<string, 'text'>(base + path, { method, body, signal });
        return {
          status: response.status,
          headers: response.headers,
          text: typeof response._data === 'string' ? response._data : '',
        };
      } catch (error) {
        throw networkError(error, path, redact);
      }
    },
  };
}

function networkError(error: unknown, path: string, redact: (text: string) => string): JimengError {
  // ofetch wraps the original failure; its wrapper holds the request options (and so the
  // Authorization header), so only the original travels on as the cause. When fetch rejected
  // with no reason at all, the wrapper has no cause, and there is nothing to pass on.
  const original = error instanceof FetchError ? error.cause : error;
  const said = original === undefined ? 'fetch failed without a reason' : failureReason(original);
  const reason = redact(said);
  return new UpstreamError(
    `Could not reach the provider for ${path} (${reason}). Check the network or JIMENG_BASE_URL.`,
    // A failure that quotes the token (fetch refusing a header it cannot send quotes it whole)
    // must not travel on: console.error shows a cause in full.
    { retryable: true, cause: reason === said ? original : undefined },
  );
}
