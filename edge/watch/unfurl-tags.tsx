import type { WatchLinks } from './watch-links.ts';
import { isRunning, type WatchView } from './watch-view.ts';

/**
 * Open Graph and Twitter tags, so a pasted link unfurls as the video itself: the kept mp4,
 * at the size the provider made it. A task still running unfurls as a card that says so
 * (and chat apps cache unfurls, so the page answers it `no-store`).
 */
export function UnfurlTags({ view, links }: { view: WatchView; links: WatchLinks | undefined }) {
  const description =
    view.state === 'done'
      ? (view.prompt ?? 'A video made with Jimeng AI.')
      : isRunning(view.state)
        ? `Still being made (${view.label.toLowerCase()}). Open the link to watch it as soon as it is ready.`
        : view.detail;
  const playable = view.state === 'done' && links;
  return (
    <>
      <meta name="description" content={description} />
      <meta property="og:site_name" content="Jimeng video" />
      <meta property="og:title" content={view.title} />
      <meta property="og:description" content={description} />
      {links && <meta property="og:url" content={links.page} />}
      <meta property="og:type" content={playable ? 'video.other' : 'website'} />
      {playable && (
        <>
          <meta property="og:video" content={links.video} />
          <meta property="og:video:secure_url" content={links.video} />
          <meta property="og:video:type" content="video/mp4" />
          {view.width && <meta property="og:video:width" content={String(view.width)} />}
          {view.height && <meta property="og:video:height" content={String(view.height)} />}
          <meta name="twitter:card" content="player" />
          <meta name="twitter:player" content={links.video} />
          {view.width && <meta name="twitter:player:width" content={String(view.width)} />}
          {view.height && <meta name="twitter:player:height" content={String(view.height)} />}
          <meta name="twitter:player:stream" content={links.video} />
          <meta name="twitter:player:stream:content_type" content="video/mp4" />
        </>
      )}
      {!playable && <meta name="twitter:card" content="summary" />}
      <meta name="twitter:title" content={view.title} />
      <meta name="twitter:description" content={description} />
    </>
  );
}
