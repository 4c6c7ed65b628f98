import { describe, expect, it } from 'vitest';
import { FIXTURE_TASK_ID } from '../../src/simulator/index.ts';
import { json, useServedSimulator } from './harness.ts';

// The proxy in front of the provider: a Bearer token on every API route, never echoed.
const h = useServedSimulator();

describe('bearer token', () => {
  it('a query without a token gets the proxy 401 shape', async () => {
    const response = await fetch(`${h.url}/task/${FIXTURE_TASK_ID}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await json(response);
    expect(body.error.type).toBe('new_api_error');
    expect(body.error.message).toMatch(/^invalid token \(request id: \w+\)$/);
  });

  it('a wrong token is refused and never echoed', async () => {
    const response = await h.query(FIXTURE_TASK_ID, {
      headers: { authorization: 'Bearer sk-secret-value' },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('sk-secret-value');
  });

  it('submitting needs the token too', async () => {
    const response = await fetch(`${h.url}/task/jimeng/text2video`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(response.status).toBe(401);
  });
});
