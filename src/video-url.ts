/**
 * Video links expire about an hour after the query. Staying under the hour keeps us from
 * promising a link that is already dead when nothing in the URL says when it dies.
 */
export const DEFAULT_URL_LIFETIME_MS = 50 * 60 * 1000;

// Plausible signing times: 2020..2100. A hex path segment outside them is not a timestamp.
const MIN_EPOCH_S = 1_577_836_800;
const MAX_EPOCH_S = 4_102_444_800;

/**
 * When a video URL stops working. The provider's CDN puts the expiry in the path as 8 hex
 * digits (`/6813bb31/` = 2025-05-01 18:19:29 UTC, one hour after `dy_q`); other CDNs use an
 * `expires`-style query parameter. Without either, the query time plus a safe margin.
 */
export function videoUrlExpiresAt(videoUrl: string, queriedAt: number): number {
  // Split by hand rather than with `new URL`: this runs for every answer that has a link, and
  // building a URL object cost more than the rest of the task's normalisation together.
  const [, path = '', query = ''] = URL_PARTS.exec(videoUrl) ?? [];
  return (
    firstEpoch(HEX_SEGMENT, path, 16) ??
    firstEpoch(EXPIRES_PARAM, query, 10) ??
    queriedAt + DEFAULT_URL_LIFETIME_MS
  );
}

/** The first match of `pattern` that reads as a plausible time, in epoch ms. */
function firstEpoch(pattern: RegExp, text: string, radix: number): number | undefined {
  // exec on the shared pattern, not matchAll: matchAll clones the pattern on every call, which
  // doubled this function's time inside the client.
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const seconds = Number.parseInt(match[1] ?? '', radix);
    if (seconds > MIN_EPOCH_S && seconds < MAX_EPOCH_S) return seconds * 1000;
  }
  return undefined;
}

/** scheme://host, then the path and the query of an http(s) URL. */
const URL_PARTS = /^https?:\/\/[^/?#\s]+([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?$/i;
/** A whole path segment of 8 hex digits. */
const HEX_SEGMENT = /\/([0-9a-f]{8})(?=\/|$)/gi;
/** `x-expires`, `expires`, `Expires` or `x-oss-expires`, in epoch seconds. */
const EXPIRES_PARAM = /(?:^|&)(?:x-(?:oss-)?)?expires=(\d{9,11})(?=&|$)/gi;
