import { randomHex } from './random-hex.ts';

const TWO_POW_63 = 2n ** 63n;
const TWENTY_DIGITS = 10n ** 20n;

/**
 * A fresh task id: 20 decimal digits, above 2^63 like the provider's (14117763723766220057),
 * so any client that lets an id pass through a JS number is caught. Always a string.
 */
export function newTaskId(): string {
  const span = TWENTY_DIGITS - TWO_POW_63;
  return (TWO_POW_63 + (BigInt(`0x${randomHex(20)}`) % span)).toString();
}
