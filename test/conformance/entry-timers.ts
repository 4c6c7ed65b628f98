// workerd: each request's waits must fire for that request. `/leave` schedules a callback and
// answers at once; `/sleep` then waits on the same clock, from another request.
import { systemClock } from '../../src/index.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const ms = Number(url.searchParams.get('ms'));
    if (url.pathname === '/leave') {
      systemClock.schedule(ms, () => {});
      return new Response('left');
    }
    const started = Date.now();
    await systemClock.sleep(ms);
    return new Response(String(Date.now() - started));
  },
};
