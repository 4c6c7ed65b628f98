import { shareSignature } from '../share-link.ts';

/** The share link's URLs, absolute: unfurlers fetch them from elsewhere. */
export interface WatchLinks {
  page: string;
  events: string;
  video: string;
  download: string;
}

export function watchLinks(origin: string, id: string, sig: string): WatchLinks {
  const base = `${origin}/v/${encodeURIComponent(id)}`;
  const query = `?sig=${encodeURIComponent(sig)}`;
  return {
    page: base + query,
    events: `${base}/events${query}`,
    video: `${base}/video${query}`,
    download: `${base}/video${query}&download=1`,
  };
}

/** The watch page of a task, signed: the link people are given, which needs no key. */
export async function sharePage(origin: string, secret: string, id: string): Promise<string> {
  return watchLinks(origin, id, await shareSignature(secret, id)).page;
}
