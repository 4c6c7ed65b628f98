/** `code` 10000 is the only success; it is read before anything in `data`. */
export const SUCCESS_CODE = 10000;

interface BusinessCode {
  meaning: string;
  /** Whether asking again (later) may succeed. */
  retryable: boolean;
  /** Whether this is a moderation or copyright refusal, which people want told apart. */
  moderation?: boolean;
}

/** The provider's documented Jimeng video codes (see shared/api/README.md). */
const businessCodes: Record<number, BusinessCode> = {
  50411: { meaning: 'the input image failed moderation', retryable: false, moderation: true },
  50412: { meaning: 'the prompt failed moderation', retryable: false, moderation: true },
  50413: {
    meaning: 'the prompt contains sensitive or copyrighted words',
    retryable: false,
    moderation: true,
  },
  50511: { meaning: 'the output image failed moderation', retryable: true, moderation: true },
  50516: { meaning: 'the output video failed moderation', retryable: true, moderation: true },
  50517: { meaning: 'the output video failed moderation', retryable: true, moderation: true },
  50519: { meaning: 'the output audio failed moderation', retryable: true, moderation: true },
  50512: {
    meaning: 'the moderation service refused the request',
    retryable: false,
    moderation: true,
  },
  50518: { meaning: 'the copyright check refused the request', retryable: false, moderation: true },
  50520: {
    meaning: 'the moderation service refused the request',
    retryable: false,
    moderation: true,
  },
  50521: {
    meaning: 'the moderation service refused the request',
    retryable: false,
    moderation: true,
  },
  50522: { meaning: 'the copyright check refused the request', retryable: false, moderation: true },
  50215: { meaning: 'the input is invalid for this service', retryable: false },
  50429: { meaning: 'the request rate (QPS) limit was reached', retryable: true },
  50430: { meaning: 'the concurrency limit was reached', retryable: true },
  50500: { meaning: 'the provider had an internal error', retryable: true },
  50501: { meaning: 'the provider had an internal RPC error', retryable: true },
};

/** Codes worth asking again for the same query; moderation of an output is not among them. */
export const retryableQueryCodes: ReadonlySet<number> = new Set([50429, 50430, 50500, 50501]);

export const rateLimitCodes: ReadonlySet<number> = new Set([50429, 50430]);

export function describeBusinessCode(code: number): BusinessCode | undefined {
  return businessCodes[code];
}
