/** `code` 10000 is the only success; it is read before anything in `data`. */
export const SUCCESS_CODE = 10000;

export interface BusinessCode {
  meaning: string;
  /** Asking the same query again (later) may succeed: the provider was busy, not the task. */
  askAgain: boolean;
  /** Submitting the same input again may pass: the refusal was of one output, not the input. */
  submitAgain: boolean;
  /** A moderation or copyright refusal, which people want told apart. */
  moderation: boolean;
  /** The provider's rate or concurrency limit: a `RateLimitedError`, whatever the HTTP status. */
  rateLimit: boolean;
}

type Kind = Omit<BusinessCode, 'meaning'>;

// What each kind of code means for the caller; the codes below say which kind they are.
const refusedInput: Kind = {
  askAgain: false,
  submitAgain: false,
  moderation: false,
  rateLimit: false,
};
const refusedByModeration: Kind = { ...refusedInput, moderation: true };
/** One generated output failed a check: another run of the same input may not. */
const outputRefused: Kind = { ...refusedByModeration, submitAgain: true };
const busy: Kind = { askAgain: true, submitAgain: true, moderation: false, rateLimit: false };
const limited: Kind = { ...busy, rateLimit: true };

/** The provider's documented Jimeng video codes (see shared/api/README.md). */
const businessCodes: Record<number, BusinessCode> = {
  50411: { meaning: 'the input image failed moderation', ...refusedByModeration },
  50412: { meaning: 'the prompt failed moderation', ...refusedByModeration },
  50413: { meaning: 'the prompt contains sensitive or copyrighted words', ...refusedByModeration },
  50511: { meaning: 'the output image failed moderation', ...outputRefused },
  50516: { meaning: 'the output video failed moderation', ...outputRefused },
  50517: { meaning: 'the output video failed moderation', ...outputRefused },
  50519: { meaning: 'the output audio failed moderation', ...outputRefused },
  50512: { meaning: 'the moderation service refused the request', ...refusedByModeration },
  50518: { meaning: 'the copyright check refused the request', ...refusedByModeration },
  50520: { meaning: 'the moderation service refused the request', ...refusedByModeration },
  50521: { meaning: 'the moderation service refused the request', ...refusedByModeration },
  50522: { meaning: 'the copyright check refused the request', ...refusedByModeration },
  50215: { meaning: 'the input is invalid for this service', ...refusedInput },
  50429: { meaning: 'the request rate (QPS) limit was reached', ...limited },
  50430: { meaning: 'the concurrency limit was reached', ...limited },
  50500: { meaning: 'the provider had an internal error', ...busy },
  50501: { meaning: 'the provider had an internal RPC error', ...busy },
};

const codesWhere = (field: keyof Kind): ReadonlySet<number> =>
  new Set(
    Object.entries(businessCodes)
      .filter(([, entry]) => entry[field])
      .map(([code]) => Number(code)),
  );

/** Codes worth asking again for the same query; moderation of an output is not among them. */
export const retryableQueryCodes = codesWhere('askAgain');

export const rateLimitCodes = codesWhere('rateLimit');

export function describeBusinessCode(code: number): BusinessCode | undefined {
  return businessCodes[code];
}
