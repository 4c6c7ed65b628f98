// Watchers of one task in a child process, so that a thousand streams' work in the client does
// not delay the simulator and the webhook receiver of the benchmark's own process. Times are
// wall-clock milliseconds (performance.timeOrigin + performance.now()), comparable across
// processes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WatcherPlan {
  edgeURL: string;
  key: string;
  taskId: string;
  count: number;
  /** Watchers after the first arrive at random moments within this many ms. */
  withinMs: number;
}

export interface WatcherResult {
  arrivedAt: number;
  status: string;
  /** When an /events watcher read its `done` event. */
  doneEventAt?: number;
}

export const wallClock = () => performance.timeOrigin + performance.now();

async function watch(plan: WatcherPlan, events: boolean): Promise<WatcherResult> {
  const arrivedAt = wallClock();
  const headers = { authorization: `Bearer ${plan.key}` };
  if (!events) {
    const response = await fetch(`${plan.edgeURL}/task/${plan.taskId}?wait=60`, { headers });
    return { arrivedAt, status: ((await response.json()) as { status: string }).status };
  }
  const response = await fetch(`${plan.edgeURL}/task/${plan.taskId}/events`, { headers });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (reader) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += chunk.value;
    if (text.includes('event: done\n')) {
      const doneEventAt = wallClock();
      await reader.cancel();
      return { arrivedAt, status: 'done', doneEventAt };
    }
  }
  return { arrivedAt, status: text.slice(-80) };
}

if (process.argv[2] === '--watch') {
  const plan = JSON.parse(process.argv[3] ?? '{}') as WatcherPlan;
  const results = await Promise.all(
    Array.from({ length: plan.count }, async (_, i) => {
      await new Promise((resolve) =>
        setTimeout(resolve, i === 0 ? 0 : Math.random() * plan.withinMs),
      );
      // Half read /events (the first one among them), half wait with ?wait.
      return watch(plan, i % 2 === 0).catch((error: Error) => ({
        arrivedAt: wallClock(),
        status: `failed: ${error.message}`,
      }));
    }),
  );
  process.stdout.write(JSON.stringify(results));
}

/** Runs `plan` in a child process; resolves with every watcher's result. */
export function runWatchers(plan: WatcherPlan): Promise<WatcherResult[]> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--watch', JSON.stringify(plan)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(output) as WatcherResult[]);
      else reject(new Error(`the watchers' process exited with ${code}`));
    });
  });
}
