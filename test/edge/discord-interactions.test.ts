import { describe, expect, it } from 'vitest';
import { useDiscordEdge } from './discord-harness.ts';
import { useEdge } from './edge-harness.ts';

const h = useDiscordEdge();
const withoutKey = useEdge();
/** Its key is the fake application's, its DISCORD_APPLICATION_ID another one's: a misconfiguration. */
const OTHER_APPLICATION = '1100000000000000999';
const mismatched = useDiscordEdge({
  edge: { vars: { DISCORD_APPLICATION_ID: OTHER_APPLICATION } },
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(h.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

const seconds = (ms: number) => String(Math.floor(ms / 1000));

describe('POST /discord/interactions: the signature', () => {
  it('answers a signed PING with { type: 1 }', async () => {
    const pong = await h.discord.ping({ endpoint: h.endpoint });
    expect(pong.status).toBe(200);
    expect(pong.body).toEqual({ type: 1 });
  });

  it('refuses a PING with a wrong signature (401), as Discord checks when the URL is saved', async () => {
    const forged = await h.discord.ping({ endpoint: h.endpoint, signature: 'ab'.repeat(64) });
    expect(forged.status).toBe(401);
  });

  it('401 without the signature headers', async () => {
    const noSignature = await h.discord.ping({ endpoint: h.endpoint, signature: null });
    expect(noSignature.status).toBe(401);
    const noTimestamp = await h.discord.ping({ endpoint: h.endpoint, timestamp: null });
    expect(noTimestamp.status).toBe(401);
  });

  it('401 for a signature over another body: one byte changed', async () => {
    const timestamp = seconds(Date.now());
    const signed = '{"type":1,"id":"1"}';
    const response = await post('{"type":1,"id":"2"}', {
      'x-signature-ed25519': h.discord.sign(timestamp, signed),
      'x-signature-timestamp': timestamp,
    });
    expect(response.status).toBe(401);
  });

  it('401 for a well-signed request more than 5 minutes old or ahead: a replay', async () => {
    for (const at of [Date.now() - 6 * 60_000, Date.now() + 6 * 60_000]) {
      const stale = await h.discord.ping({ endpoint: h.endpoint, timestamp: seconds(at) });
      expect(stale.status).toBe(401);
    }
    const recent = await h.discord.ping({
      endpoint: h.endpoint,
      timestamp: seconds(Date.now() - 4 * 60_000),
    });
    expect(recent.status).toBe(200);
  });

  it('checks the signature before parsing: a forged body that is not JSON is a 401, not a 400', async () => {
    const timestamp = seconds(Date.now());
    const forged = await post('{not json', {
      'x-signature-ed25519': '00'.repeat(64),
      'x-signature-timestamp': timestamp,
    });
    expect(forged.status).toBe(401);
    const signed = await post('{not json', {
      'x-signature-ed25519': h.discord.sign(timestamp, '{not json'),
      'x-signature-timestamp': timestamp,
    });
    expect(signed.status).toBe(400);
  });

  it('a signed body that is no interaction is a 400 saying so, never a 500', async () => {
    const timestamp = seconds(Date.now());
    for (const body of [
      'null',
      '[1]',
      '"ping"',
      '{}',
      '{"type":"1","application_id":"1"}',
      `{"type":2,"application_id":"${h.discord.applicationId}","id":"1","token":"t"}`,
    ]) {
      const response = await post(body, {
        'x-signature-ed25519': h.discord.sign(timestamp, body),
        'x-signature-timestamp': timestamp,
      });
      expect(response.status, body).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^The interaction is not one Discord sends: .+\.$/);
    }
  });

  it('a signed interaction of a type not served here (a button, an autocomplete) is a 400', async () => {
    const timestamp = seconds(Date.now());
    const body = JSON.stringify({
      type: 3,
      id: '1',
      application_id: h.discord.applicationId,
      token: 'fake-interaction-component',
    });
    const response = await post(body, {
      'x-signature-ed25519': h.discord.sign(timestamp, body),
      'x-signature-timestamp': timestamp,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe(
      'Interactions of type 3 are not served here.',
    );
  });

  it('refuses a body far larger than any interaction (413) before checking or parsing it', async () => {
    const timestamp = seconds(Date.now());
    const response = await post(`{"type":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, {
      'x-signature-ed25519': '00'.repeat(64),
      'x-signature-timestamp': timestamp,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('invalid_request');
  });

  it('is a 404 on a Worker without DISCORD_PUBLIC_KEY', async () => {
    const response = await withoutKey.call('/discord/interactions', {
      method: 'POST',
      body: '{"type":1}',
    });
    expect(response.status).toBe(404);
  });
});

describe('POST /discord/interactions: DISCORD_APPLICATION_ID', () => {
  it('an interaction signed for another application than the one configured is a 401, and the log says what to fix', async () => {
    const ping = await mismatched.discord.ping({ endpoint: mismatched.endpoint });
    expect(ping.status).toBe(401);
    const before = mismatched.sim.requests.length;
    const command = await mismatched.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'result',
        options: [{ name: 'task_id', type: 3, value: mismatched.sim.addTask() }],
      },
      { endpoint: mismatched.endpoint },
    );
    expect(command.status).toBe(401);
    const { error } = command.body as { error: { code: string; message: string } };
    expect(error.code).toBe('caller_unauthorized');
    expect(error.message).toContain('DISCORD_APPLICATION_ID');
    // Time for a job to show itself, had one been started, and for workerd's log lines to come.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = mismatched.logs.filter((line) => line.includes('event=interaction_refused'));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain(`applicationId=${mismatched.discord.applicationId}`);
    expect(refused[0]).toContain(`expected=${OTHER_APPLICATION}`);
    expect(refused[0]).toContain('DISCORD_APPLICATION_ID');
    // No job was started: nothing asked the provider, nothing touched the reply.
    expect(mismatched.sim.requests.length).toBe(before);
    expect(mismatched.discord.requests.some((r) => r.path.includes(command.token))).toBe(false);
  });

  it('matching, it is served as without it', async () => {
    const pong = await h.discord.ping({ endpoint: h.endpoint });
    expect(h.discord.applicationId).not.toBe(OTHER_APPLICATION);
    expect(pong.body).toEqual({ type: 1 });
  });
});

describe('POST /discord/interactions: bad input is refused privately, with no call to the provider', () => {
  const privateAnswer = (body: unknown) => {
    const answer = body as { type: number; data: { content: string; flags: number } };
    expect(answer.type).toBe(4);
    expect(answer.data.flags & 64).toBe(64);
    return answer.data.content;
  };

  it('a malformed task id', async () => {
    const before = h.sim.requests.length;
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'result',
        options: [{ name: 'task_id', type: 3, value: '12 34' }],
      },
      { endpoint: h.endpoint },
    );
    expect(answer.status).toBe(200);
    expect(privateAnswer(answer.body)).toMatch(/^⚠️ `12 34` is not a task id \(.+\)/);
    expect(h.sim.requests.length).toBe(before);
  });

  it('an attachment that is not an image', async () => {
    const before = h.sim.requests.length;
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'create',
        options: [
          { name: 'prompt', type: 3, value: 'a cat' },
          { name: 'image', type: 11, value: '900' },
        ],
        attachments: [
          {
            id: '900',
            filename: 'notes.pdf',
            url: 'https://cdn.example/notes.pdf',
            contentType: 'application/pdf',
            size: 1000,
          },
        ],
      },
      { endpoint: h.endpoint },
    );
    expect(privateAnswer(answer.body)).toBe(
      '⚠️ `notes.pdf` is not an image: attach a PNG, JPEG or WebP.',
    );
    expect(h.sim.requests.length).toBe(before);
  });

  it('9:21 without an image', async () => {
    const before = h.sim.requests.length;
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'create',
        options: [
          { name: 'prompt', type: 3, value: 'tall' },
          { name: 'aspect_ratio', type: 3, value: '9:21' },
        ],
      },
      { endpoint: h.endpoint },
    );
    expect(privateAnswer(answer.body)).toContain('9:21');
    expect(h.sim.requests.length).toBe(before);
  });
});

describe('a Worker without EDGE_SHARE_SECRET', () => {
  it('says once in its log that oversized videos will get a link that dies, and what to set', async () => {
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'result',
        options: [{ name: 'task_id', type: 3, value: h.sim.addTask() }],
      },
      { endpoint: h.endpoint },
    );
    expect(answer.status).toBe(200);
    // Time for workerd's log lines to come.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const warned = h.logs.filter((line) => line.includes('event=share_links_off'));
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned[0]).toContain('EDGE_SHARE_SECRET');
  });
});
