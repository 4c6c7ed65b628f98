import { describe, expect, it } from 'vitest';
import { auth, useEdge } from './edge-harness.ts';

const edge = useEdge();

const post = (body: unknown, headers: Record<string, string> = {}) =>
  edge.call('/tasks', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /tasks', () => {
  it('creates a text-to-video task: 201, { taskId }, Location at /task/:id', async () => {
    const response = await post({ prompt: 'A cat surfing at dawn', aspectRatio: '9:16', seed: 7 });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.taskId).toMatch(/^\d{19,20}$/);
    expect(response.headers.get('location')).toBe(`${edge.edge.url}/task/${body.taskId}`);
    const created = edge.sim.requests.filter((r) => r.method === 'POST').at(-1);
    expect(created).toMatchObject({ path: '/task/jimeng/text2video', taskId: body.taskId });

    const task = await edge.call(`/task/${body.taskId}`, { headers: auth });
    expect(task.status).toBe(200);
  });

  it('creates an image-to-video task when images are given', async () => {
    const response = await post({
      prompt: 'Make it move',
      imageUrls: ['https://example.com/cat.png'],
      aspectRatio: '9:21',
    });
    expect(response.status).toBe(201);
    expect(edge.sim.requests.filter((r) => r.method === 'POST').at(-1)?.path).toBe(
      '/task/jimeng/image2video',
    );
  });

  it('400 for a body the core schema refuses, naming the field; nothing is submitted', async () => {
    // Submits only: the followers of the tasks created above are still polling them.
    const submits = () => edge.sim.requests.filter((r) => r.method === 'POST').length;
    const before = submits();
    for (const body of [
      {},
      { prompt: 'x'.repeat(151) },
      { prompt: 'ok', aspectRatio: '2:1' },
      { prompt: 'ok', extra: true },
      { prompt: 'ok', aspectRatio: '9:21' },
    ]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/prompt|aspectRatio|extra|key/i);
      // One plain sentence, as the client says it: no console summary (×, →).
      expect(error.message).not.toMatch(/[×→\n]/);
    }
    expect(submits()).toBe(before);
  });

  it('a refused body gets the same words over HTTP as from createVideo', async () => {
    const response = await post({ prompt: 'x'.repeat(151) });
    expect((await response.json()).error.message).toBe(
      'Invalid video request: prompt must be at most 150 characters.',
    );
  });

  it('400 for malformed JSON and for a body that is not JSON', async () => {
    const malformed = await post('{"prompt":');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('invalid_request');
    const text = await post('prompt=cat', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect((await text.json()).error.message).toContain('application/json');
  });

  it('422 when the provider refuses the prompt (moderation), with its request id', async () => {
    edge.sim.fault({ route: 'create', kind: 'code', code: 50412 });
    const response = await post({ prompt: 'something refused' });
    expect(response.status).toBe(422);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'api_error', requestId: expect.any(String) });
  });

  it('429 with Retry-After when the provider is busy, and the submit is not repeated', async () => {
    const before = edge.sim.requests.filter((r) => r.method === 'POST').length;
    edge.sim.fault({ route: 'create', kind: 'status', status: 429, retryAfter: '3' });
    const response = await post({ prompt: 'busy' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(edge.sim.requests.filter((r) => r.method === 'POST').length).toBe(before + 1);
  });
});
