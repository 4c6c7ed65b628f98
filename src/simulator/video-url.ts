import { randomHex } from './random-hex.ts';

/**
 * A signed video link like the provider CDN's: `/<32 hex signature>/<8 hex expiry seconds>/…`
 * with the query time in decimal `dy_q`. Clients read the expiry off the hex path segment.
 */
export function videoUrlFor(
  origin: string,
  taskId: string,
  queriedAt: number,
  ttlMs: number,
): string {
  const expiresHex = Math.floor((queriedAt + ttlMs) / 1000)
    .toString(16)
    .padStart(8, '0');
  const dyQ = Math.floor(queriedAt / 1000);
  return `${origin}/video/${randomHex(32)}/${expiresHex}/${taskId}.mp4?dy_q=${dyQ}&mime_type=video_mp4`;
}

export interface VideoPath {
  taskId: string;
  /** ms since epoch after which the CDN refuses the link. */
  expiresAt: number;
}

const VIDEO_PATH = /^\/video\/[0-9a-f]{32}\/([0-9a-f]{8})\/(\d+)\.mp4$/;

export function parseVideoPath(pathname: string): VideoPath | undefined {
  const match = VIDEO_PATH.exec(pathname);
  const [, expiresHex, taskId] = match ?? [];
  if (!expiresHex || !taskId) return undefined;
  return { taskId, expiresAt: Number.parseInt(expiresHex, 16) * 1000 };
}
