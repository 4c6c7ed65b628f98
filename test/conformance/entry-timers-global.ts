// workerd refuses a timer at global scope, so a schedule there throws, as setTimeout would. The
// refused callback must not linger in the clock and stall the waits of later requests.
import { systemClock } from '../../src/index.ts';
import timers from './entry-timers.ts';

let thrown = 'nothing';
try {
  systemClock.schedule(10, () => {});
} catch (error) {
  thrown = String(error);
}

export default {
  fetch: (request: Request) =>
    new URL(request.url).pathname === '/thrown' ? new Response(thrown) : timers.fetch(request),
};
