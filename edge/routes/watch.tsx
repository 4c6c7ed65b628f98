import type { Context } from 'hono';
import { html } from 'hono/html';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { Hono } from 'hono/tiny';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isTerminalStatus } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { describeError } from '../errors.ts';
import { followerFor } from '../follower/follower-stub.ts';
import { keepVideo, keepVideoOf } from '../follower/keep-video.ts';
import type { TaskOrigin } from '../follower/task-follower.ts';
import { rateLimit } from '../rate-limit.ts';
import { isShareSignature } from '../share-link.ts';
import { taskEvents } from '../task-events.ts';
import { loadTask } from '../task-source.ts';
import { storedVideoInfo } from '../video-store.ts';
import type { WatchClock } from '../watch/watch-clock.ts';
import { watchLinks } from '../watch/watch-links.ts';
import { WatchPage } from '../watch/watch-page.tsx';
import {
  isRunning,
  pageStatus,
  viewOfError,
  viewOfTask,
  type WatchView,
  watchView,
  withKnownPrompt,
} from '../watch/watch-view.ts';
import { taskVideo } from './video.ts';

/**
 * The task a share link grants, or undefined: a missing or wrong `sig`, or no secret on this
 * edge, grants nothing. The id is not checked against the provider's rules before the
 * signature: only ids this edge signed (and checked) can pass.
 */
async function sharedTaskId(c: Context<AppEnv>): Promise<string | undefined> {
  const secret = c.get('settings').shareSecret;
  const id = c.req.param('id');
  if (!secret || !id) return undefined;
  return (await isShareSignature(secret, id, c.req.query('sig'))) ? id : undefined;
}

/**
 * The page's own headers: a CSP that allows its inline style and script by nonce, its video
 * and stream from this origin, and nothing from anywhere else; no framing; no referrer
 * (the link's `sig` is the grant, it must not travel in a Referer).
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE],
    styleSrc: [NONCE],
    mediaSrc: ["'self'"],
    connectSrc: ["'self'"],
    imgSrc: ['data:'],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  // HTTPS for this host only: the edge may sit on a custom domain whose other hosts it does
  // not speak for (secureHeaders' default adds includeSubDomains).
  strictTransportSecurity: 'max-age=15552000',
});

/**
 * What the page says about a task the link grants: the kept copy first, then the provider (or,
 * once it has forgotten the task, the end its follower saw). A task not kept yet is handed to
 * its follower to keep: the page may be the only request the link ever brings (an unfurler
 * reads the HTML alone), and a video nobody copied is lost with the provider's memory.
 */
async function viewOfSharedTask(c: Context<AppEnv>, id: string): Promise<WatchView> {
  const bucket = c.env.VIDEOS;
  // A kept video needs no query: the page works long after the provider forgot the task.
  const stored = bucket ? await storedVideoInfo(bucket, id) : undefined;
  if (stored) return watchView(id, 'done', stored);
  const task = await loadTask(c, id);
  if (task.status === 'done') keepVideo(c, task);
  else if (!isTerminalStatus(task.status)) keepVideoOf(c, id);
  const expiresAt = Date.parse(task.videoUrlExpiresAt ?? '');
  if (task.status === 'done' && expiresAt <= Date.now()) {
    return watchView(id, 'gone', task.params ?? {});
  }
  return viewOfTask(task);
}

/**
 * What the task's follower knows of its start (its submit here and prompt, or when it was first
 * followed); undefined when nobody has followed it yet, or the follower cannot say.
 */
function originOf(c: Context<AppEnv>, id: string): Promise<TaskOrigin | undefined> {
  if (!c.env.FOLLOWERS) return Promise.resolve(undefined);
  return followerFor(c.env, id)
    .origin()
    .catch(() => undefined);
}

/** How long a running task has been going, as far as its follower knows; from now without one. */
function clockOf(origin: TaskOrigin | undefined): WatchClock {
  if (!origin) return { elapsedMs: 0, from: 'first_seen' };
  return {
    elapsedMs: Math.max(0, Date.now() - origin.at),
    from: origin.submitted ? 'submit' : 'first_seen',
  };
}

async function renderPage(
  c: Context<AppEnv>,
  view: WatchView,
  status: ContentfulStatusCode,
  sig?: string,
) {
  const links = sig === undefined ? undefined : watchLinks(new URL(c.req.url).origin, view.id, sig);
  const running = links !== undefined && isRunning(view.state);
  const origin = running ? await originOf(c, view.id) : undefined;
  const clock = running ? clockOf(origin) : undefined;
  const shown = withKnownPrompt(view, origin?.prompt);
  // A running task's page (and its unfurl) changes; a finished one does not for a while.
  c.header('cache-control', view.state === 'done' ? 'private, max-age=300' : 'no-store');
  const nonce = c.get('secureHeadersNonce') ?? '';
  const page = <WatchPage view={shown} links={links} nonce={nonce} clock={clock} />;
  return c.html(html`<!doctype html>${page}`, status);
}

/**
 * `/v/:id?sig=…`: the watch page, its live stream and its video, for whoever holds the link.
 * The stream and the video are `/task/:id/events` and `/task/:id/video` themselves, behind
 * the signature instead of a key; the stream sends the page's view of the task, never the
 * provider's body or link, and without R2 the video is relayed, never redirected to that link.
 */
export const watchRoute = new Hono<AppEnv>()
  .get('/:id', rateLimit({ byIP: true }), pageHeaders, async (c) => {
    const id = await sharedTaskId(c);
    if (!id) return renderPage(c, watchView(c.req.param('id'), 'no_link'), 404);
    const sig = c.req.query('sig') as string;
    try {
      const view = await viewOfSharedTask(c, id);
      return renderPage(c, view, pageStatus(view.state), sig);
    } catch (error) {
      const { view, status } = viewOfError(id, describeError(error, c));
      return renderPage(c, view, status, sig);
    }
  })
  .get('/:id/events', rateLimit({ byIP: true }), async (c) => {
    const id = await sharedTaskId(c);
    if (!id) return c.notFound();
    // Asked once for the stream: what the page's title was made from, so no event undoes it.
    const prompt = (await originOf(c, id))?.prompt;
    return taskEvents(c, id, { render: (task) => JSON.stringify(viewOfTask(task, prompt)) });
  })
  .get('/:id/video', async (c) => {
    const id = await sharedTaskId(c);
    if (!id) return c.notFound();
    const response = await taskVideo(c, id, { relay: true });
    if (c.req.query('download') === '1') {
      response.headers.set('content-disposition', `attachment; filename="${id}.mp4"`);
    }
    return response;
  });
