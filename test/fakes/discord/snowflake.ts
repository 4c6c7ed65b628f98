/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Returns a generator of real-looking snowflakes. They must be 17-19 digits: discord.js's REST
 * queue only recognises ids of that length as rate-limit major parameters, and it reads a
 * message's age from its id.
 */
export function createSnowflakes(): () => string {
  let increment = 0n;
  return () => {
    increment = (increment + 1n) & 0xfffn;
    return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
  };
}
