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
