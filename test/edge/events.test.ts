import { describe, expect, it } from 'vitest';
import { auth, sleep, TOKEN, useEdge } from './edge-harness.ts';

const edge = useEdge();

interface SseEvent {
  event: string;
  data: string;
}

/** Reads a text/event-stream into events (comments kept as `comment`) until it ends or `stop` says so. */
async function readEvents(response: Response, stop?: (events: SseEvent[]) => boolean) {
  const events: SseEvent[] = [];
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.event = 'comment';
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.data += line.slice(6);
      }
      events.push(event);
    }
    if (stop?.(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

describe('GET /task/:id/events (SSE)', () => {
  it('sends each status change, heartbeats while waiting, then done, and ends', async () => {
    const id = edge.sim.addTask({ durationMs: 400 });
    const response = await edge.call(`/task/${id}/events`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    const named = events.filter((e) => e.event !== 'comment');
    const statuses = named
      .filter((e) => e.event === 'status')
      .map((e) => JSON.parse(e.data).status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('processing');
    expect(statuses.at(-1)).toBe('done');
    expect(new Set(statuses).size).toBe(statuses.length);
    const final = named.at(-1);
    expect(final?.event).toBe('done');
    expect(JSON.parse(final?.data ?? '{}')).toMatchObject({ id, status: 'done' });
    expect(events.some((e) => e.event === 'comment')).toBe(true);
    for (const e of events) expect(e.data).not.toContain(TOKEN);
  });

  it('a task already done gets its status and the final event at once', async () => {
    const id = edge.sim.addTask({ durationMs: 0 });
    const events = await readEvents(await edge.call(`/task/${id}/events`, { headers: auth }));
    expect(events.map((e) => e.event)).toEqual(['status', 'done']);
  });

  it('ends with a failed event when the task fails', async () => {
    const id = edge.sim.addTask({ durationMs: 200, outcome: 'failed' });
    const events = await readEvents(await edge.call(`/task/${id}/events`, { headers: auth }));
    const final = events.filter((e) => e.event !== 'comment').at(-1);
    expect(final?.event).toBe('failed');
    expect(JSON.parse(final?.data ?? '{}').status).toBe('failed');
  });

  it('an error after the stream started is an error event with the one JSON shape', async () => {
    const id = edge.sim.addTask({ durationMs: 200, outcome: 'expired' });
    const events = await readEvents(await edge.call(`/task/${id}/events`, { headers: auth }));
    const final = events.filter((e) => e.event !== 'comment').at(-1);
    expect(final?.event).toBe('error');
    expect(JSON.parse(final?.data ?? '{}')).toEqual({
      error: { code: 'task_expired', message: expect.any(String), requestId: expect.any(String) },
    });
  });

  it('an unknown task is a plain 404 before any stream', async () => {
    const response = await edge.call('/task/1234567890123456789/events', { headers: auth });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('task_not_found');
  });

  it('stops polling the provider as soon as the client goes away', async () => {
    const id = edge.sim.addTask({ durationMs: 60_000 });
    const client = new AbortController();
    const response = await fetch(`${edge.edge.url}/task/${id}/events`, {
      headers: auth,
      signal: client.signal,
    });
    // Stay long enough to see polling happen (the interval is 100 ms), then leave.
    await readEvents(response, () => edge.queriesFor(id) >= 3).catch(() => {});
    client.abort();
    await sleep(150); // at most one poll may have been in flight
    const atLeave = edge.queriesFor(id);
    await sleep(400);
    expect(edge.queriesFor(id)).toBe(atLeave);
  });
});

describe('the subrequest budget of one request', () => {
  const thrifty = useEdge({ vars: { EDGE_FOLLOW_QUERIES: '3' } });

  it('an SSE stream that spends its queries ends with a timeout event (EventSource reconnects)', async () => {
    const id = thrifty.sim.addTask({ durationMs: 60_000 });
    const events = await readEvents(await thrifty.call(`/task/${id}/events`, { headers: auth }));
    expect(events.filter((e) => e.event !== 'comment').at(-1)?.event).toBe('timeout');
    // The first snapshot before the stream, then at most the budget.
    expect(thrifty.queriesFor(id)).toBeLessThanOrEqual(4);
  });

  it('?wait answers the latest state once its queries are spent', async () => {
    const id = thrifty.sim.addTask({ durationMs: 60_000 });
    const response = await thrifty.call(`/task/${id}?wait=60`, { headers: auth });
    expect(response.status).toBe(200);
    expect(['queued', 'processing']).toContain((await response.json()).status);
    expect(thrifty.queriesFor(id)).toBe(3);
  });
});
