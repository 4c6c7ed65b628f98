import { describe, expect, it } from 'vitest';
import {
  checkSignature,
  importPublicKey,
  MAX_SIGNATURE_AGE_MS,
} from '../../edge/discord/verify-interaction.ts';
import { createInteractionSigner } from '../fakes/discord/signer.ts';

const signer = createInteractionSigner();
const body = new TextEncoder().encode('{"type":1}');
const now = 1_750_000_000_000;
const at = (ms: number) => String(Math.floor(ms / 1000));

describe('checkSignature (Web Crypto Ed25519, against node:crypto signatures)', () => {
  it('accepts what the application key signed, up to 5 minutes either way', async () => {
    const key = await importPublicKey(signer.publicKey);
    for (const skew of [0, -MAX_SIGNATURE_AGE_MS, MAX_SIGNATURE_AGE_MS]) {
      const timestamp = at(now + skew);
      const signature = signer.sign(timestamp, body);
      expect(await checkSignature(key, { signature, timestamp, body }, now)).toBeUndefined();
    }
  });

  it('names what is wrong: missing, malformed, stale, wrong', async () => {
    const key = await importPublicKey(signer.publicKey);
    const timestamp = at(now);
    const signature = signer.sign(timestamp, body);
    const check = (request: Partial<Parameters<typeof checkSignature>[1]>) =>
      checkSignature(key, { signature, timestamp, body, ...request }, now);
    expect(await check({ signature: undefined })).toBe('missing');
    expect(await check({ timestamp: null })).toBe('missing');
    expect(await check({ signature: 'zz'.repeat(64) })).toBe('malformed');
    expect(await check({ signature: signature.slice(2) })).toBe('malformed');
    expect(await check({ timestamp: '1e9' })).toBe('malformed');
    const old = at(now - MAX_SIGNATURE_AGE_MS - 1000);
    expect(await check({ timestamp: old, signature: signer.sign(old, body) })).toBe('stale');
    expect(await check({ body: new TextEncoder().encode('{"type":2}') })).toBe('wrong');
    const other = createInteractionSigner();
    expect(await check({ signature: other.sign(timestamp, body) })).toBe('wrong');
  });

  it('refuses a public key that is not 32 bytes of hex, saying where to find the right one', async () => {
    await expect(importPublicKey('abc')).rejects.toThrow(/64 hex digits.*Public Key/);
    await expect(importPublicKey(`${signer.publicKey}00`)).rejects.toThrow(/64 hex digits/);
  });
});
