// Serves a simulator from a child process, so a benchmark's client does not share its event
// loop (or its garbage collector) with the server it measures against.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--serve') {
  const { createSimulator } = await import('../../src/simulator/index.ts');
  const { serveSimulator } = await import('../../src/simulator/serve.ts');
  const server = await serveSimulator(
    createSimulator({ durationMs: Number(process.argv[3] ?? 8000) }),
  );
  console.log(server.url);
  // The parent holds our stdin open: when it dies (a bench killed mid-run), so do we.
  process.stdin.on('end', () => process.exit(0)).resume();
}

export async function startSimulatorProcess(durationMs = 8000) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--serve', String(durationMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: chunk.toString().trim(), close: () => child.kill() };
}
