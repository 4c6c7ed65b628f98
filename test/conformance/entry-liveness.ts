// Waits hold the process exactly as long as something is pending: each step below leaves a
// shared timer behind in some state, and the script must still exit as soon as its last
// callback has run.
import { systemClock } from '../../src/index.ts';

// Only the pending sleep holds the process here: an unsettled top-level await would not.
await systemClock.sleep(50);
console.log('slept');

// A long callback set, then a short one, then the long one cancelled once the short one ran.
const cancelLong = systemClock.schedule(60_000, () => console.log('never'));
await new Promise<void>((resolve) => systemClock.schedule(10, resolve));
cancelLong();

// An endless wait, cancelled.
systemClock.schedule(Number.POSITIVE_INFINITY, () => console.log('never'))();

// A cancelled callback leaves its timer armed but not holding the process: the callbacks
// after it, due later, must make it hold the process again.
systemClock.schedule(40, () => console.log('never'))();

// Callbacks still pending when the script ends hold it until they run. The first holds the
// thread, so the next two fall due at one fire; the second of those sets and clears a cutoff.
systemClock.schedule(50, () => {
  const end = performance.now() + 30;
  while (performance.now() < end);
});
systemClock.schedule(60, () => systemClock.schedule(60_000, () => console.log('never'))());
systemClock.schedule(61, () => console.log('last'));
