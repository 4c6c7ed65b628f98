import { randomHex } from './random-hex.ts';

const LOWEST = 10n ** 19n;
const TWO_POW_64 = 2n ** 64n;

/**
 * A fresh task id: 20 decimal digits between 2^63 and 2^64, like the provider's unsigned 64-bit
 * ids (14117763723766220057), so any client that lets an id pass through a JS number is caught.
 * Always a string.
 */
export function newTaskId(): string {
  return (LOWEST + (BigInt(`0x${randomHex(20)}`) % (TWO_POW_64 - LOWEST))).toString();
}
