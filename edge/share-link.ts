import { decodeBase64Url, encodeBase64Url } from 'hono/utils/encode';

/**
 * A share link is `/v/<id>?sig=<HMAC-SHA256(id)>`: anyone holding it may watch that one task,
 * with no key and no expiry. The signature is the whole grant, so the secret must be long
 * enough not to be guessed: 32 characters (`openssl rand -base64 32` gives 44).
 */
export const MIN_SHARE_SECRET_LENGTH = 32;

const encoder = new TextEncoder();

const CANONICAL_SIG = /^[\w-]{42}[AEIMQUYcgkosw048]$/;

/** Importing a key costs more than signing with it; the secret is fixed for an isolate's life. */
let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

function keyFor(secret: string): Promise<CryptoKey> {
  if (cached?.secret !== secret) {
    const key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    cached = { secret, key };
  }
  return cached.key;
}

/** The `sig` of a share link: base64url, without padding (it sits in a query string). */
export async function shareSignature(secret: string, taskId: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await keyFor(secret), encoder.encode(taskId));
  return encodeBase64Url(mac).replace(/=+$/, '');
}

/**
 * Whether `sig` is the signature of `taskId`. Web Crypto's HMAC verify compares in constant
 * time, so how much of a forged signature matched does not show in the timing.
 */
export async function isShareSignature(
  secret: string,
  taskId: string,
  sig: string | undefined,
): Promise<boolean> {
  // 32 bytes are 43 characters; anything else cannot be ours, and atob is spared odd input.
  // The last one carries 4 bits and 2 unused ones, which a decoder ignores: only the spelling
  // with those bits at zero is ours, so one signature has one link, not four.
  if (!sig || !CANONICAL_SIG.test(sig)) return false;
  return crypto.subtle.verify(
    'HMAC',
    await keyFor(secret),
    decodeBase64Url(sig),
    encoder.encode(taskId),
  );
}
