// Node, Bun and Deno all expose `process.argv`; the simulator's URL is the last argument.
import { runConformance } from './client.conformance.ts';

declare const process: { argv: string[] };
const results = await runConformance(process.argv.at(-1) ?? '');
console.log(JSON.stringify(results));
