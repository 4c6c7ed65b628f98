// Run by Bun or Deno: serves a simulator as that runtime's users would, with one reset fault
// queued for task queries, and prints its URL. `--bun-serve` uses Bun.serve and `sim.error`
// instead of serveSimulator.
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';

const sim = createSimulator();
sim.fault({ kind: 'reset', route: 'task' });
if (process.argv.includes('--bun-serve')) {
  const { Bun } = globalThis as unknown as {
    Bun: { serve(options: object): { url: URL } };
  };
  const server = Bun.serve({ fetch: sim.fetch, error: sim.error, hostname: '127.0.0.1', port: 0 });
  console.log(server.url.origin);
} else {
  console.log((await serveSimulator(sim)).url);
}
