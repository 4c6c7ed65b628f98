import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';

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
