import { describe, expect, it } from 'vitest';
import { FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { json, TWO_POW_63, useServedSimulator } from './harness.ts';

// The control API (/__sim/…) that seeds tasks and faults over HTTP.
const h = useServedSimulator();

describe('control API over HTTP', () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${h.url}/__sim/${path}`, {
      method: body === undefined && path === 'requests' ? 'GET' : 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('seeds tasks, queues faults, lists requests and resets, without a token', async () => {
    const seeded = await json(await control('tasks', { durationMs: 0, outcome: 'expired' }));
    expect(BigInt(seeded.id) > TWO_POW_63).toBe(true);
    expect((await json(await h.query(seeded.id))).data.status).toBe('expired');

    expect((await control('faults', { kind: 'status', status: 500, route: 'task' })).status).toBe(
      204,
    );
    expect((await h.query(seeded.id)).status).toBe(500);

    const requests = await json(await control('requests'));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: 'GET', taskId: seeded.id });

    expect((await control('reset', {})).status).toBe(204);
    expect(h.sim.requests).toEqual([]);
    expect((await json(await h.query(seeded.id))).data.status).toBe('not_found');
    expect((await json(await h.query(FIXTURE_TASK_ID))).data.status).toBe('done');
  });

  it('rejects a fault of unknown kind', async () => {
    expect((await control('faults', { kind: 'meteor' })).status).toBe(400);
  });

  it.each([
    { kind: 'status', status: 500, route: 'query' },
    { kind: 'hang', times: '2' },
  ])('rejects a fault that would never fire as meant: %j', async (fault) => {
    expect((await control('faults', fault)).status).toBe(400);
    expect((await h.query(FIXTURE_TASK_ID)).status).toBe(200);
  });
});
