// workerd: each request's waits must fire for that request. `/leave` schedules a callback and
// answers at once; `/cancel` schedules one and cancels it; `/sleep` waits on the same clock.
import { systemClock } from '../../src/index.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const ms = Number(url.searchParams.get('ms'));
    if (url.pathname === '/leave') {
      systemClock.schedule(ms, () => {});
      return new Response('left');
    }
    if (url.pathname === '/cancel') {
      systemClock.schedule(ms, () => {})();
      return new Response('cancelled');
    }
    const started = Date.now();
    await systemClock.sleep(ms);
    return new Response(String(Date.now() - started));
  },
};
