// The same checks, bundled once, run on every runtime the core claims: Node 20, Node 22, Bun,
// Deno and workerd. Only the public API and web-standard globals are used here.
import { createClient, isJimengError, type JimengClient } from '../../src/index.ts';

const TOKEN = 'sim-token';
const FIXTURE_ID = '14117763723766220057';

export interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
}

type Check = (ctx: { client: JimengClient; baseURL: string }) => Promise<void>;

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert(isJimengError(error), `expected a JimengError, got ${String(error)}`);
    return error.code;
  }
  throw new Error('expected a rejection');
}

async function fault(baseURL: string, body: unknown) {
  const response = await fetch(`${baseURL}/__sim/faults`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  assert(response.ok, `could not script the simulator: ${response.status}`);
}

const checks: Record<string, Check> = {
  'getTask reads a done task with its exact id': async ({ client }) => {
    const task = await client.getTask(FIXTURE_ID);
    assert(task.id === FIXTURE_ID, `id changed: ${task.id}`);
    assert(task.status === 'done', `status ${task.status}`);
    assert(task.params?.fps === 24, 'params not read');
    assert(!Number.isNaN(Date.parse(task.videoUrlExpiresAt ?? '')), 'no expiry');
    assert(
      JSON.stringify(JSON.parse(JSON.stringify(task))) === JSON.stringify(task),
      'not plain data',
    );
  },
  'an unknown task is not_found': async ({ client }) => {
    assert((await client.getTask('99999999999999999999')).status === 'not_found', 'not not_found');
  },
  'an invalid id is refused': async ({ client }) => {
    assert((await codeOf(client.getTask('../etc'))) === 'invalid_task_id', 'accepted ../etc');
  },
  'a refused token is unauthorized and not shown': async ({ baseURL }) => {
    const secret = 'sk-conformance-secret';
    const client = createClient({ token: secret, baseURL });
    try {
      await client.getTask(FIXTURE_ID);
      throw new Error('expected a rejection');
    } catch (error) {
      assert(isJimengError(error) && error.code === 'unauthorized', `got ${String(error)}`);
      assert(
        !JSON.stringify(error).includes(secret) && !error.message.includes(secret),
        'token leaked',
      );
    }
  },
  'a 429 is retried after Retry-After': async ({ client, baseURL }) => {
    await fault(baseURL, { kind: 'status', status: 429, retryAfter: '0', route: 'task' });
    assert((await client.getTask(FIXTURE_ID)).status === 'done', 'not retried');
  },
  'an HTML error page is an upstream_error': async ({ baseURL }) => {
    await fault(baseURL, { kind: 'html', status: 502, route: 'task' });
    const client = createClient({ token: TOKEN, baseURL, retries: 0 });
    assert((await codeOf(client.getTask(FIXTURE_ID))) === 'upstream_error', 'not upstream_error');
  },
  'create, wait and download the exact mp4': async ({ client }) => {
    const { taskId } = await client.createVideo({ prompt: 'conformance', aspectRatio: '1:1' });
    assert(/^\d{19,20}$/.test(taskId), `odd id ${taskId}`);
    const seen: string[] = [];
    const task = await client.waitForTask(taskId, {
      intervalMs: 100,
      onUpdate: (t) => seen.push(t.status),
    });
    assert(seen.at(-1) === 'done', `statuses ${seen.join(',')}`);
    const video = await client.downloadVideo(task);
    const box = new TextDecoder().decode(video.bytes.subarray(4, 8));
    assert(box === 'ftyp' && video.size > 1000, `not an mp4 (${box}, ${video.size} bytes)`);
  },
  'a download over maxBytes is too_large': async ({ client }) => {
    const task = await client.getTask(FIXTURE_ID);
    assert((await codeOf(client.downloadVideo(task, { maxBytes: 100 }))) === 'too_large', 'no cap');
  },
  'an abort ends a hung request at once': async ({ client, baseURL }) => {
    await fault(baseURL, { kind: 'hang', route: 'task' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    assert(
      (await codeOf(client.getTask(FIXTURE_ID, { signal: controller.signal }))) === 'aborted',
      'not aborted',
    );
    assert(Date.now() - started < 2000, 'abort was slow');
  },
  'timeoutMs bounds a hung call': async ({ client, baseURL }) => {
    await fault(baseURL, { kind: 'hang', route: 'task', times: 5 });
    assert(
      (await codeOf(client.getTask(FIXTURE_ID, { timeoutMs: 300 }))) === 'timeout',
      'no timeout',
    );
    await fetch(`${baseURL}/__sim/reset`, { method: 'POST' });
  },
};

export async function runConformance(baseURL: string): Promise<CheckResult[]> {
  const client = createClient({ token: TOKEN, baseURL });
  const results: CheckResult[] = [];
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check({ client, baseURL });
      results.push({ name, ok: true });
    } catch (error) {
      results.push({
        name,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
}

export const checkNames = Object.keys(checks);
