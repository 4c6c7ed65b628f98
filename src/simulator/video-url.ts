import { signVideoLink } from './link-signature.ts';
import type { SimState } from './state.ts';

/**
 * A signed video link laid out like the provider CDN's:
 * `/<32 hex signature>/<8 hex expiry seconds>/video/tos/<bucket>/<object>/?…&dy_q=<query time>`.
 * The real links have no file extension and end in a slash, so a client that reads the file
 * type or the expiry off the URL by position fails here as it would against the provider.
 */
export function videoUrlFor(
  state: Pick<SimState, 'urlTtlMs' | 'urlSecret'>,
  origin: string,
  taskId: string,
  queriedAt: number,
): string {
  const expiresHex = Math.floor((queriedAt + state.urlTtlMs) / 1000)
    .toString(16)
    .padStart(8, '0');
  const signature = signVideoLink(state.urlSecret, taskId, expiresHex);
  const dyQ = Math.floor(queriedAt / 1000);
  return `${origin}/${signature}/${expiresHex}/video/tos/sim/jimeng-${taskId}/?mime_type=video_mp4&dy_q=${dyQ}`;
}

export interface VideoPath {
  /** The 32 hex digits the link carries before its expiry. */
  signature: string;
  /** The expiry as the path writes it: 8 hex digits of epoch seconds, what the signature covers. */
  expiresHex: string;
  taskId: string;
  /** ms since epoch after which the CDN refuses the link. */
  expiresAt: number;
}

const VIDEO_PATH = /^\/([0-9a-f]{32})\/([0-9a-f]{8})\/video\/tos\/sim\/jimeng-(\d+)\/$/;

/** Whether a path is on the simulated CDN (a link it made, or a mangled one it must refuse). */
export const isVideoPath = (pathname: string): boolean =>
  /^\/[0-9a-f]{32}\/[0-9a-f]{8}\/video\//.test(pathname);

export function parseVideoPath(pathname: string): VideoPath | undefined {
  const match = VIDEO_PATH.exec(pathname);
  const [, signature, expiresHex, taskId] = match ?? [];
  if (!signature || !expiresHex || !taskId) return undefined;
  return { signature, expiresHex, taskId, expiresAt: Number.parseInt(expiresHex, 16) * 1000 };
}
