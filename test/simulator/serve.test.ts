import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createSimulator, FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { runtimes } from '../runtimes.ts';
import { auth } from './harness.ts';

// serveSimulator: the one file that serves the fetch handler over a real socket.

describe('serveSimulator', () => {
  it('close() returns even with a request hanging', async () => {
    const own = createSimulator();
    const served = await serveSimulator(own);
    own.fault({ kind: 'hang' });
    const pending = fetch(`${served.url}/task/1`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await served.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});

describe('a reset fault drops the connection, whatever serves the simulator', () => {
  const entry = join(import.meta.dirname, 'serve-entry.ts');
  it.each([
    ['serveSimulator on Bun', runtimes.bun, [entry]],
    ['serveSimulator on Deno', runtimes.deno, ['run', '--allow-net', '--allow-read', entry]],
    ['Bun.serve with sim.error', runtimes.bun, [entry, '--bun-serve']],
  ])(
    '%s: fetch fails without an answer, then the next query is answered',
    async (_name, cmd, args) => {
      // stderr ignored: Bun logs the body error by which it drops the connection.
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
        const query = () => fetch(`${url}/task/${FIXTURE_TASK_ID}`, { headers: auth });
        // A 500 would resolve: a dropped connection is a rejection of fetch itself.
        await expect(query()).rejects.toThrow(TypeError);
        expect((await query()).status).toBe(200);
      } finally {
        child.kill();
      }
    },
  );
});
