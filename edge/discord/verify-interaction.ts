/**
 * Discord signs every interaction it POSTs: `X-Signature-Ed25519` (hex) over
 * `X-Signature-Timestamp + raw body`, with the application's key pair. The signature is the
 * only authentication an Interactions Endpoint has, so nothing is parsed before it holds.
 */

/** A request older (or newer) than this is refused even with a good signature: a replay. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export interface SignedRequest {
  signature: string | null | undefined;
  /** Unix seconds, as Discord sends it. */
  timestamp: string | null | undefined;
  body: Uint8Array;
}

/** Why a request was refused; never shown to the caller (a 401 says nothing more). */
export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'wrong';

const keys = new Map<string, Promise<CryptoKey>>();

/** The application's public key (64 hex digits), imported once per isolate. */
export function importPublicKey(hex: string): Promise<CryptoKey> {
  let key = keys.get(hex);
  if (!key) {
    const bytes = hexBytes(hex.trim());
    if (bytes?.byteLength !== 32) {
      return Promise.reject(
        new Error(
          "DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits (Developer Portal > General Information > Public Key).",
        ),
      );
    }
    key = crypto.subtle.importKey('raw', bytes, { name: 'Ed25519' }, false, ['verify']);
    // A refused import is not cached: the next request tries again (and fails the same way).
    key.catch(() => keys.delete(hex));
    keys.set(hex, key);
  }
  return key;
}

/** Undefined when Discord signed this request within the last 5 minutes, else what is wrong. */
export async function checkSignature(
  key: CryptoKey,
  request: SignedRequest,
  now: number,
): Promise<SignatureProblem | undefined> {
  const { signature, timestamp, body } = request;
  if (!signature || !timestamp) return 'missing';
  const signatureBytes = hexBytes(signature);
  if (signatureBytes?.byteLength !== 64 || !/^\d{1,12}$/.test(timestamp)) return 'malformed';
  if (Math.abs(now - Number(timestamp) * 1000) > MAX_SIGNATURE_AGE_MS) return 'stale';
  const stamp = new TextEncoder().encode(timestamp);
  const signed = new Uint8Array(stamp.byteLength + body.byteLength);
  signed.set(stamp);
  signed.set(body, stamp.byteLength);
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signatureBytes, signed);
  return valid ? undefined : 'wrong';
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[\da-f]*$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
