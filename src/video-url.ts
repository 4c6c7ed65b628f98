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
  const parts = URL_PARTS.exec(videoUrl);
  if (!parts) return queriedAt + DEFAULT_URL_LIFETIME_MS;
  const [, path = '', query] = parts;
  for (const segment of path.split('/')) {
    if (/^[0-9a-f]{8}$/i.test(segment)) {
      const seconds = Number.parseInt(segment, 16);
      if (seconds > MIN_EPOCH_S && seconds < MAX_EPOCH_S) return seconds * 1000;
    }
  }
  const params = new URLSearchParams(query);
  for (const name of ['x-expires', 'expires', 'Expires', 'x-oss-expires']) {
    const value = params.get(name);
    if (value && /^\d{9,11}$/.test(value)) {
      const seconds = Number(value);
      if (seconds > MIN_EPOCH_S && seconds < MAX_EPOCH_S) return seconds * 1000;
    }
  }
  return queriedAt + DEFAULT_URL_LIFETIME_MS;
}

/** scheme://host, then the path and the query of an http(s) URL. */
const URL_PARTS = /^https?:\/\/[^/?#\s]+([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?$/i;
