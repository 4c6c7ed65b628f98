import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ReceiverAnswer,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../fakes/webhook-receiver.ts';
import { auth, followerOf, type Harness, sleep, TOKEN, useEdge } from './edge-harness.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
// Private addresses allowed (the receiver is on 127.0.0.1); the day-long schedule shrunk to
// about 30 s, the 15 s answer timeout to 300 ms.
const hooks = useEdge({
  vars: {
    EDGE_WEBHOOK_SECRET: SECRET,
    EDGE_WEBHOOK_ALLOW_PRIVATE: 'true',
    EDGE_WEBHOOK_BACKOFF_SCALE: '0.001',
    EDGE_WEBHOOK_TIMEOUT_MS: '300',
  },
});
const strict = useEdge({ vars: { EDGE_WEBHOOK_SECRET: SECRET } });
const unsigned = useEdge();

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

let paths = 0;
/** A fresh receiver path per test, answering `answers` first. */
function hook(answers: ReceiverAnswer[] = []) {
  const path = `/hook/${++paths}`;
  receiver.script(path, answers);
  return { path, url: receiver.url + path };
}

const json = { ...auth, 'content-type': 'application/json' };
const subscribe = (h: Harness, id: string, url: string) =>
  h.call(`/task/${id}/webhooks`, { method: 'POST', headers: json, body: JSON.stringify({ url }) });
const submit = (h: Harness, body: Record<string, unknown>) =>
  h.call('/tasks', { method: 'POST', headers: json, body: JSON.stringify(body) });

/** Checked by the standardwebhooks package, not by our own code; returns the event. */
function verified(delivery: { body: string; headers: Record<string, unknown> }) {
  return new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
}

describe('webhooks: signed, at least once', () => {
  it('POST /tasks with webhookUrl: task.done arrives after the R2 copy, signed per Standard Webhooks', async () => {
    const { path, url } = hook();
    const response = await submit(hooks, { prompt: 'A fox in the snow', webhookUrl: url });
    expect(response.status).toBe(201);
    const { taskId, webhookId } = await response.json();
    expect(webhookId).toMatch(/^msg_[\w-]{22}$/);
    const [delivery] = await receiver.until(path, 1);
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['webhook-id']).toBe(webhookId);
    expect(delivery.headers['content-type']).toBe('application/json');
    const event = verified(delivery);
    expect(event.type).toBe('task.done');
    expect(Date.parse(event.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(event.data).toMatchObject({ id: taskId, status: 'done', archived: true });
    // The receiver can fetch the kept video at once.
    const video = await hooks.call(`/task/${taskId}/video`, { headers: auth });
    expect(video.status).toBe(200);
    await video.arrayBuffer();
    expect(delivery.body).not.toContain(TOKEN);
    expect(delivery.body).not.toContain(SECRET.slice(6));
  });

  it('POST /task/:id/webhooks: 201 with the webhook id, 200 for the same URL again; task.failed', async () => {
    const id = hooks.sim.addTask({ durationMs: 300, outcome: 'failed' });
    const { path, url } = hook();
    const first = await subscribe(hooks, id, url);
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body).toEqual({ id: expect.stringMatching(/^msg_/), taskId: id, url });
    const again = await subscribe(hooks, id, url);
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(body.id);
    const [delivery] = await receiver.until(path, 1);
    expect(delivery?.headers['webhook-id']).toBe(body.id);
    expect(verified(delivery as never)).toMatchObject({
      type: 'task.failed',
      data: { id, status: 'failed', archived: false },
    });
  });

  it('a task that has ended already gets its webhook at once: task.expired', async () => {
    const id = hooks.sim.addTask({ durationMs: 0, outcome: 'expired' });
    const { path, url } = hook();
    expect((await subscribe(hooks, id, url)).status).toBe(201);
    const [delivery] = await receiver.until(path, 1);
    expect(verified(delivery as never).type).toBe('task.expired');
  });

  it('a task the provider does not know is a 404, and nothing is subscribed', async () => {
    const { path, url } = hook();
    const response = await subscribe(hooks, '1234567890123456789', url);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('task_not_found');
    await sleep(100);
    expect(receiver.to(path)).toHaveLength(0);
  });

  it('a receiver that fails twice then answers 200 gets three attempts with one id and one body', async () => {
    const id = hooks.sim.addTask({ durationMs: 0 });
    const { path, url } = hook([500, 503]);
    await subscribe(hooks, id, url);
    const deliveries = await receiver.until(path, 3);
    expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    for (const delivery of deliveries) expect(verified(delivery).type).toBe('task.done');
    await sleep(600); // past the next retry: delivered means no more
    expect(receiver.to(path)).toHaveLength(3);
  });

  it('410 stops the retries', async () => {
    const id = hooks.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const { path, url } = hook([410]);
    await subscribe(hooks, id, url);
    await receiver.until(path, 1);
    await sleep(600);
    expect(receiver.to(path)).toHaveLength(1);
  });

  it('a receiver that does not answer in time is tried again', async () => {
    const id = hooks.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const { path, url } = hook(['hang']);
    await subscribe(hooks, id, url);
    const [first, second] = await receiver.until(path, 2);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
  });

  it('a redirect is not followed (it could lead to a private address): it counts as a failure', async () => {
    const id = hooks.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const elsewhere = hook();
    const { path, url } = hook([{ status: 307, location: elsewhere.url }]);
    await subscribe(hooks, id, url);
    const [first, second] = await receiver.until(path, 2);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(receiver.to(elsewhere.path)).toHaveLength(0);
  });

  it('a repeated alarm sends nothing twice once it is delivered', async () => {
    const id = hooks.sim.addTask({ durationMs: 0, outcome: 'failed' });
    const { path, url } = hook();
    await subscribe(hooks, id, url);
    await receiver.until(path, 1);
    const follower = await followerOf(hooks, id);
    await follower.runDue();
    await follower.runDue();
    expect(receiver.to(path)).toHaveLength(1);
    expect(hooks.queriesFor(id)).toBe(1);
  });

  it('at most 10 webhooks per task: the 11th is a 409', async () => {
    const id = hooks.sim.addTask({ durationMs: 60_000 });
    for (let i = 0; i < 10; i++) {
      expect((await subscribe(hooks, id, `${receiver.url}/many/${i}`)).status).toBe(201);
    }
    const over = await subscribe(hooks, id, `${receiver.url}/many/10`);
    expect(over.status).toBe(409);
    expect((await over.json()).error.code).toBe('webhook_limit');
  });
});

describe('webhook URLs the Worker must not call (SSRF)', () => {
  it.each([
    ['https://127.0.0.1/hook', 'private'],
    ['https://10.0.0.1/hook', 'private'],
    ['https://[::1]/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[::ffff:127.0.0.1]/hook', 'private'],
    ['https://2130706433/hook', 'private'],
    ['https://localhost/hook', 'local name'],
    ['http://example.com/hook', 'https'],
    ['ftp://example.com/hook', 'https'],
    ['not a url', 'not a URL'],
  ])('%s is refused: 400 saying why', async (url, why) => {
    const id = strict.sim.addTask({ durationMs: 0 });
    const response = await subscribe(strict, id, url);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(why);
  });

  it('POST /tasks with a refused webhookUrl submits nothing', async () => {
    const before = strict.sim.requests.filter((r) => r.method === 'POST').length;
    const response = await submit(strict, { prompt: 'a cat', webhookUrl: 'https://10.1.2.3/' });
    expect(response.status).toBe(400);
    expect(strict.sim.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });
});

describe('without EDGE_WEBHOOK_SECRET', () => {
  it('webhook requests are refused with a clear error, and nothing is submitted', async () => {
    const id = unsigned.sim.addTask({ durationMs: 0 });
    const response = await subscribe(unsigned, id, 'https://example.com/hook');
    expect(response.status).toBe(503);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'not_configured' });
    expect(error.message).toContain('EDGE_WEBHOOK_SECRET');
    const created = await submit(unsigned, { prompt: 'a cat', webhookUrl: 'https://example.com/' });
    expect(created.status).toBe(503);
    expect(unsigned.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});

describe('secrets', () => {
  it('neither the provider token nor the webhook secret leaves the Worker', () => {
    const key = SECRET.slice('whsec_'.length);
    for (const h of [hooks, strict, unsigned]) {
      for (const text of h.seen) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(key);
      }
    }
    for (const delivery of receiver.deliveries) {
      expect(delivery.body).not.toContain(TOKEN);
      expect(JSON.stringify(delivery.headers)).not.toContain(key);
    }
  });
});
