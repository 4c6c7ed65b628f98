import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningEdge, startEdge } from '../../edge/dev.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { startWebhookReceiver } from '../fakes/webhook-receiver.ts';
import { auth, FAST_VARS, KEY, sleep, TOKEN } from './edge-harness.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'jimeng-follower-'));
const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('a follower survives the Worker stopping and starting again', () => {
  it('resumes polling on the persisted storage; webhooks arrive after the restart, with their ids', async () => {
    const sim = createSimulator({ token: TOKEN });
    const served = await serveSimulator(sim);
    const receiver = await startWebhookReceiver();
    opened.push(served, receiver);
    const start = () =>
      startEdge({
        baseURL: served.url,
        token: TOKEN,
        apiKeys: KEY,
        persist: dir,
        vars: {
          ...FAST_VARS,
          EDGE_WEBHOOK_SECRET: SECRET,
          EDGE_WEBHOOK_ALLOW_PRIVATE: 'true',
          // The first retry a second after the first attempt: while the Worker is down.
          EDGE_WEBHOOK_BACKOFF_SCALE: '0.2',
        },
      });
    const subscribe = async (edge: RunningEdge, id: string, path: string) => {
      const response = await fetch(`${edge.url}/task/${id}/webhooks`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url + path }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const queries = (id: string) => sim.requests.filter((r) => r.taskId === id).length;

    let edge = await start();
    opened.push(edge);
    // Still running when the Worker stops, done while it is down.
    const running = sim.addTask({ durationMs: 1_500 });
    // Done already; its receiver fails the first attempt, before the stop.
    const ended = sim.addTask({ durationMs: 0, outcome: 'failed' });
    receiver.script('/ended', [500]);
    const runningHook = await subscribe(edge, running, '/running');
    const endedHook = await subscribe(edge, ended, '/ended');
    await receiver.until('/ended', 1);
    await sleep(150);
    expect(queries(running)).toBeGreaterThanOrEqual(1);
    await edge.close();
    const whileDown = queries(running);
    await sleep(1_700);
    expect(queries(running)).toBe(whileDown);

    edge = await start();
    opened.push(edge);
    const [done] = await receiver.until('/running', 1, 10_000);
    const retried = await receiver.until('/ended', 2, 10_000);
    const verify = (body: string, headers: object) =>
      new Webhook(SECRET).verify(body, headers as Record<string, string>) as {
        type: string;
        data: { id: string; archived: boolean };
      };
    expect(done?.headers['webhook-id']).toBe(runningHook);
    expect(verify(done?.body ?? '', done?.headers ?? {})).toMatchObject({
      type: 'task.done',
      data: { id: running, archived: true },
    });
    expect(retried.map((d) => d.headers['webhook-id'])).toEqual([endedHook, endedHook]);
    expect(retried[1]?.body).toBe(retried[0]?.body);
    expect(verify(retried[1]?.body ?? '', retried[1]?.headers ?? {}).type).toBe('task.failed');
    expect(queries(running)).toBeGreaterThan(whileDown);
  }, 30_000);
});
