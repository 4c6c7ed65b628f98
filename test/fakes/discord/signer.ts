import { generateKeyPairSync, sign } from 'node:crypto';

/**
 * The application's Ed25519 key pair, made fresh for each fake: Discord signs every HTTP
 * interaction with it, and the Worker holds the public half as DISCORD_PUBLIC_KEY. Signed with
 * node:crypto (OpenSSL), so the Worker's Web Crypto check is tested against another
 * implementation than its own.
 */
export interface InteractionSigner {
  /** 64 hex digits, as the Developer Portal shows it. */
  publicKey: string;
  /** `X-Signature-Ed25519` for this timestamp and body. */
  sign(timestamp: string, body: string | Uint8Array): string;
}

export function createInteractionSigner(): InteractionSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (!x) throw new Error('fake Discord: node:crypto gave an Ed25519 key without its x');
  return {
    publicKey: Buffer.from(x, 'base64url').toString('hex'),
    sign: (timestamp, body) =>
      sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey).toString(
        'hex',
      ),
  };
}
