export { SUCCESS_CODE } from '../business-codes.ts';

// The documented Jimeng video codes, with the HTTP status the provider pairs them with.
const codes: Record<number, { status: number; message: string }> = {
  50215: { status: 400, message: 'Input invalid for this service' },
  50411: { status: 400, message: 'Pre Img Risk Not Pass' },
  50412: { status: 400, message: 'Text Risk Not Pass: the prompt failed moderation' },
  50413: { status: 400, message: 'Post Text Risk Not Pass: sensitive or copyrighted words' },
  50429: { status: 429, message: 'Request Has Reached API Limit, Please Try Later' },
  50430: { status: 429, message: 'Request Has Reached API Concurrent Limit, Please Try Later' },
  50500: { status: 500, message: 'Internal Error' },
  50501: { status: 500, message: 'Internal RPC Error' },
  50511: { status: 400, message: 'Post Img Risk Not Pass: the generated video failed moderation' },
  50512: {
    status: 400,
    message: 'Risk Service Refused: the moderation service refused the request',
  },
  50516: { status: 400, message: 'Post Video Risk Not Pass: the output video failed moderation' },
  50517: { status: 400, message: 'Post Video Risk Not Pass: the output video failed moderation' },
  50518: {
    status: 400,
    message: 'Copyright Check Refused: the copyright check refused the request',
  },
  50519: { status: 400, message: 'Post Audio Risk Not Pass: the output audio failed moderation' },
  50520: {
    status: 400,
    message: 'Risk Service Refused: the moderation service refused the request',
  },
  50521: {
    status: 400,
    message: 'Risk Service Refused: the moderation service refused the request',
  },
  50522: {
    status: 400,
    message: 'Copyright Check Refused: the copyright check refused the request',
  },
};

/**
 * The HTTP status the provider answers a business code with. Every documented moderation code
 * is a 400, 505xx ones included: only 50500 and 50501 are 500.
 */
export function statusForCode(code: number): number {
  return codes[code]?.status ?? (code >= 50500 ? 500 : 400);
}

export function messageForCode(code: number): string {
  return codes[code]?.message ?? `Error ${code}`;
}

/** The business code an HTTP error status carries when a fault gives none. */
export function codeForStatus(status: number): number {
  if (status === 429) return 50429;
  if (status >= 500) return 50500;
  return 50215;
}
