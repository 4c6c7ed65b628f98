import { parseByteRange } from './byte-range.ts';
import { signVideoLink } from './link-signature.ts';
import { randomHex } from './random-hex.ts';
import type { SimState } from './state.ts';
import { parseVideoPath } from './video-url.ts';

/** What an object-storage CDN answers for a signed link it refuses: past its expiry, or edited. */
function accessDenied(code: string, message: string): Response {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomHex(24)}</RequestId></Error>\n`;
  return new Response(body, { status: 403, headers: { 'content-type': 'application/xml' } });
}

function notFound(): Response {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>\n';
  return new Response(body, { status: 404, headers: { 'content-type': 'application/xml' } });
}

/**
 * `GET /<signature>/<expiry>/video/…`: the CDN side. No token, like the real links; the expiry in
 * the path is enforced against `now()` and the signature must be the one this simulator made for
 * that task and expiry, and single byte ranges are honoured so players and resumable downloads
 * behave as they do against the real CDN.
 */
export function answerVideo(state: SimState, request: Request, pathname: string): Response {
  const path = parseVideoPath(pathname);
  if (!path) return notFound();
  if (state.now() >= path.expiresAt) return accessDenied('AccessDenied', 'Request has expired');
  if (path.signature !== signVideoLink(state.urlSecret, path.taskId, path.expiresHex)) {
    return accessDenied(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  const video = state.video;
  const size = video.byteLength;
  const head = request.method === 'HEAD';
  const headers = new Headers({ 'content-type': 'video/mp4', 'accept-ranges': 'bytes' });
  const range = parseByteRange(request.headers.get('range'), size);
  if (range.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${size}`);
    headers.delete('content-type');
    return new Response(null, { status: 416, headers });
  }
  if (range.kind === 'partial') {
    const part = video.slice(range.start, range.end + 1);
    headers.set('content-range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('content-length', String(part.byteLength));
    return new Response(head ? null : part, { status: 206, headers });
  }
  headers.set('content-length', String(size));
  return new Response(head ? null : video.slice(), { status: 200, headers });
}
