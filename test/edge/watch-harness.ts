import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { auth, type Harness } from './edge-harness.ts';

/** Distinctive, so a leak anywhere in a page or a stream is unmistakable. */
export const SHARE_SECRET = 'share-secret-4c1d9e7b2a6f8053e9d1c7b4a2f6e8d0';
/**
 * The secret, and an upstream budget a loaded machine does not miss: these tests are about
 * pages and links, and FAST_VARS' 400 ms can turn a page into a 504 when the CPUs are busy.
 */
export const WATCH_VARS = { EDGE_SHARE_SECRET: SHARE_SECRET, EDGE_UPSTREAM_TIMEOUT_MS: '2000' };

/** The share link the edge hands out for `id`, asked with the caller key. */
export async function shareLink(edge: Harness, id: string): Promise<URL> {
  const response = await edge.call(`/task/${id}/share`, { headers: auth });
  expect(response.status).toBe(200);
  const { url } = (await response.json()) as { url: string };
  return new URL(url);
}

/** The link's path under `/v/:id` (`''`, `/events`, `/video`), with its sig and more query. */
export function under(link: URL, path: string, query = ''): string {
  return `${link.pathname}${path}${link.search}${query}`;
}

/**
 * A link to `id` signed here: a link the edge handed out some other way
 * (the Worker's Discord reply, an older share), so nothing in the test asked `/share` for it.
 */
export function signedLink(edge: Harness, id: string): URL {
  return new URL(`/v/${id}?sig=${expectedSig(id)}`, edge.edge.url);
}

/** Node's own HMAC, an implementation independent of the Worker's Web Crypto one. */
export const expectedSig = (id: string) =>
  createHmac('sha256', SHARE_SECRET).update(id).digest('base64url');
