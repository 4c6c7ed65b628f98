import { randomHex } from './random-hex.ts';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `20250502011924` for 2025-05-01 17:19:24 UTC: the provider stamps ids in Beijing time. */
export function beijingStamp(at: number): string {
  return new Date(at + BEIJING_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Like the provider's `20250502011924C67A8E37411A922F5942`: a Beijing timestamp, 20 hex. */
export function upstreamRequestId(at: number): string {
  return beijingStamp(at) + randomHex(20).toUpperCase();
}

/** Like the proxy's own ids in its error messages: a timestamp and 8 random characters. */
export function proxyRequestId(at: number): string {
  return beijingStamp(at) + randomHex(8);
}
