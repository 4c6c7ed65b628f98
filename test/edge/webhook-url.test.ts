import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../edge/webhook/webhook-signature.ts';
import { webhookUrlProblem } from '../../edge/webhook/webhook-url.ts';

describe('webhookUrlProblem: only public https hosts', () => {
  it.each([
    'https://0.0.0.0/',
    'https://100.64.1.1/',
    'https://172.16.5.4/',
    'https://172.31.255.255/',
    'https://192.168.1.1/',
    'https://198.18.0.1/',
    'https://224.0.0.1/',
    'https://0x7f.1/',
    'https://[::]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://metadata.google.internal/',
    'https://printer.local/',
    'https://intranet/',
    'https://user:pass@example.com/',
    // A trailing dot names the same host: the DNS root, not another name.
    'https://localhost./',
    'https://metadata.google.internal./',
    'https://printer.local./',
    'https://intranet./',
    // IPv4 carried inside IPv6: SIIT (::ffff:0:0/96), 6to4 (2002::/16), local-use NAT64.
    'https://[::ffff:0:7f00:1]/',
    'https://[2002:7f00:1::]/',
    'https://[2002:a9fe:a9fe::1]/',
    'https://[64:ff9b:1::a00:1]/',
    // Teredo tunnels and the old site-local block lead into some network, not a public host.
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'https://[fec0::1]/',
  ])('refuses %s', (url) => {
    expect(webhookUrlProblem(url, false)).toEqual(expect.any(String));
  });

  it.each([
    'https://example.com/hooks/jimeng?secret=x',
    'https://8.8.8.8/',
    'https://172.32.0.1/',
    'https://[2606:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    'https://example.com./',
    'https://[2002:808:808::1]/',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url, false)).toBeUndefined();
  });

  it('EDGE_WEBHOOK_ALLOW_PRIVATE lets http and private hosts through, nothing else', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('ftp://127.0.0.1/hook', true)).toContain('http');
  });
});

describe('signWebhook', () => {
  it('signs as the standardwebhooks package verifies', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const body = JSON.stringify({ type: 'task.done', data: { id: '14117763723766220057' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signWebhook(secret, 'msg_1', timestamp, body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    };
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: 'task.done' });
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('refuses a secret that is not whsec_ and a base64 key of 24 to 64 bytes, saying so', async () => {
    await expect(signWebhook('plain', 'msg_1', 1, '{}')).rejects.toThrow('whsec_');
    await expect(signWebhook('whsec_c2hvcnQ=', 'msg_1', 1, '{}')).rejects.toThrow('24 to 64');
  });
});
