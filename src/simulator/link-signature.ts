// Four 32-bit lanes, each seeded differently, give the 32 hex digits of the provider's signature.
const LANE_SEEDS = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f] as const;

/**
 * The 32 hex signature the simulated CDN puts before the expiry in a video link, over the task
 * id and the expiry as written in the path, keyed by a secret each simulator draws at startup.
 * The real CDN refuses a link whose signature does not match with 403, so an edited expiry (or
 * id) is refused here too. A plain multiply-xorshift hash, not an HMAC: it only has to catch
 * tampering, and it stays synchronous and free of any runtime's crypto module.
 */
export function signVideoLink(secret: string, taskId: string, expiresHex: string): string {
  const text = `${secret}/${taskId}/${expiresHex}`;
  let signature = '';
  for (const seed of LANE_SEEDS) {
    let hash: number = seed;
    for (let i = 0; i < text.length; i++) {
      hash = Math.imul(hash ^ text.charCodeAt(i), 0x5bd1e995);
      hash ^= hash >>> 15;
    }
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    hash ^= hash >>> 16;
    signature += (hash >>> 0).toString(16).padStart(8, '0');
  }
  return signature;
}
