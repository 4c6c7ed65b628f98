/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,` and the base64
 * HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the bytes of the secret
 * written `whsec_<base64>`.
 */
const SECRET_PREFIX = 'whsec_';

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError' as const;
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      secretBytes(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(secret, key);
  }
  return key;
}

/** The key bytes of a `whsec_…` secret; throws a WebhookSecretError that says what is wrong. */
export function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookSecretError(
      'EDGE_WEBHOOK_SECRET must start with "whsec_" followed by the key in base64 (Standard Webhooks).',
    );
  }
  let text: string;
  try {
    text = atob(secret.slice(SECRET_PREFIX.length));
  } catch {
    throw new WebhookSecretError('EDGE_WEBHOOK_SECRET is not valid base64 after "whsec_".');
  }
  // The specification asks for 24 to 64 bytes; fewer would make a weak HMAC key.
  if (text.length < 24 || text.length > 64) {
    throw new WebhookSecretError(
      `EDGE_WEBHOOK_SECRET's key must be 24 to 64 bytes, not ${text.length}: make one with \`openssl rand -base64 32\` and prefix it with "whsec_".`,
    );
  }
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const signed = new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(secret), signed));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}
