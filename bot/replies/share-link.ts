import { FetchError, ofetch } from 'ofetch';
import { isHttpURL } from '../../src/index.ts';
import type { Logger } from '../log.ts';

/** The link to a task's watch page on the edge, or undefined when the edge cannot give one. */
export type ShareLinks = (taskId: string, signal: AbortSignal) => Promise<string | undefined>;

export interface EdgeShareLinkOptions {
  /** The edge's public URL (EDGE_PUBLIC_URL). */
  edgePublicURL: string;
  /** A caller key of that edge (EDGE_API_KEY): `/task/:id/share` is a keyed route. */
  edgeApiKey: string;
  logger: Logger;
  /** Budget of one ask, retry included: a video is waiting to be posted. Default 5 s. */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * Share links from the edge's `GET /task/:id/share`. They never expire and need no key to
 * open, unlike the provider's link (dead within the hour) or `/task/:id/video` (keyed). A
 * failure is logged and answered undefined: the video is then posted as before, never held up.
 */
export function edgeShareLinks(options: EdgeShareLinkOptions): ShareLinks {
  const base = options.edgePublicURL.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;
  const ask = ofetch.create({
    headers: { authorization: `Bearer ${options.edgeApiKey}` },
    retry: 1,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return async (taskId, signal) => {
    try {
      const { url } = await ask<{ url?: unknown }>(
        `${base}/task/${encodeURIComponent(taskId)}/share`,
        // ofetch drops its own `timeout` when given a signal: the deadline joins the job's.
        { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) },
      );
      if (typeof url === 'string' && isHttpURL(url)) return url;
      options.logger('share_link_failed', { taskId, reason: 'the edge answered no link' });
    } catch (error) {
      if (signal.aborted) return undefined;
      // The edge's error code says what to fix (`share_not_configured`, `caller_unauthorized`);
      // the request itself, which carries the key, is not logged.
      const answer = error instanceof FetchError ? error : undefined;
      const code = (answer?.data as { error?: { code?: unknown } } | undefined)?.error?.code;
      options.logger('share_link_failed', {
        taskId,
        httpStatus: answer?.status,
        code: typeof code === 'string' ? code : undefined,
        reason: answer?.status ? undefined : error instanceof Error ? error.name : 'unknown',
      });
    }
    return undefined;
  };
}
