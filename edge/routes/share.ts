import { Hono } from 'hono/tiny';
import { assertTaskId } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { keepVideoOf } from '../follower/keep-video.ts';
import { MIN_SHARE_SECRET_LENGTH } from '../share-link.ts';
import { sharePage } from '../watch/watch-links.ts';

/**
 * The secret share links are signed with, or an error that says what to set. A short secret
 * is refused rather than used: the signature is the only thing guarding the page.
 */
export function shareSecretOf(secret: string | undefined): string {
  if (!secret) {
    throw new EdgeError(
      503,
      'not_configured',
      'Share links are not configured: set the secret EDGE_SHARE_SECRET (32 characters or more, e.g. the output of `openssl rand -base64 32`).',
    );
  }
  if (secret.length < MIN_SHARE_SECRET_LENGTH) {
    throw new EdgeError(
      503,
      'not_configured',
      `EDGE_SHARE_SECRET is too short to sign share links (${secret.length} characters): use ${MIN_SHARE_SECRET_LENGTH} or more, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  return secret;
}

/**
 * `GET /task/:id/share` (caller key): `{ url }`, a link to the task's watch page that anyone
 * may open, for that task alone. The answer asks nothing of the provider (a link to a task
 * that does not exist shows a page that says so); with R2, the task's follower then follows
 * it and keeps its video, because a link is expected to keep working, and the provider
 * forgets the task and its video 12 hours after the submit.
 */
export const shareRoute = new Hono<AppEnv>().get('/:id/share', async (c) => {
  const id = assertTaskId(c.req.param('id'));
  const secret = shareSecretOf(c.get('settings').shareSecret);
  const page = await sharePage(new URL(c.req.url).origin, secret, id);
  keepVideoOf(c, id);
  // The same link every time: a cache may keep it for as long as the secret lives.
  c.header('cache-control', 'private, max-age=3600');
  return c.json({ url: page });
});
