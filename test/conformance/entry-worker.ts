// workerd: the simulator's URL comes as ?base=; the results go back as JSON.
import { runConformance } from './client.conformance.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const base = new URL(request.url).searchParams.get('base') ?? '';
    return Response.json(await runConformance(base));
  },
};
