// One query and nothing after it: the process must exit as soon as the answer is in. Nothing the
// query set up (its 30-second cutoff, its 60-second budget) may hold the process open.
import { createClient } from '../../src/index.ts';

declare const process: { argv: string[] };
const client = createClient({ token: 'sim-token', baseURL: process.argv.at(-1) ?? '' });
console.log((await client.getTask('14117763723766220057')).status);
