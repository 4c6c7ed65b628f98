import { UnfurlTags } from './unfurl-tags.tsx';
import { clockText, clockWords, type WatchClock } from './watch-clock.ts';
import type { WatchLinks } from './watch-links.ts';
import { WATCH_SCRIPT } from './watch-script.ts';
import { WATCH_STYLE } from './watch-style.ts';
import { isRunning, type WatchView } from './watch-view.ts';
import { watchWords } from './watch-words.ts';

export interface WatchPageProps {
  view: WatchView;
  /** Absent on the page for a link that is not valid: it links to nothing. */
  links?: WatchLinks | undefined;
  /** The CSP nonce of this response, for the inline style and script. */
  nonce: string;
  /** A running task's time so far; without it the clock counts from the page's load. */
  clock?: WatchClock | undefined;
}

/** A play triangle in a rounded square, as the favicon too. */
const MARK = (
  <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true">
    <rect width="24" height="24" rx="6" fill="currentColor" />
    <path d="M9.5 7.5v9l7-4.5z" fill="#fff" />
  </svg>
);
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Crect width='24' height='24' rx='6' fill='%234338ca'/%3E%3Cpath d='M9.5 7.5v9l7-4.5z' fill='%23fff'/%3E%3C/svg%3E";

/** An outline icon in a 24-unit box, drawn in the text's colour. */
function LineIcon({ d, size, weight = 1.5 }: { d: string; size: number; weight?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <path
        d={d}
        fill="none"
        stroke="currentColor"
        stroke-width={weight}
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

const FRAME =
  'M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v11a2.5 2.5 0 0 1-2.5 2.5h-11A2.5 2.5 0 0 1 4 17.5z';
/** A clip to come: a play button in a frame. */
const PENDING = <LineIcon size={48} d={`${FRAME}M10 9v6l5-3z`} />;
/** No clip: the same frame, struck through. */
const UNPLAYABLE = <LineIcon size={48} d={`${FRAME}M3 3l18 18`} />;

/**
 * The generated clips have no speech, and there are no captions to offer: the rule that
 * asks for a caption track does not apply. The title names the video for a screen reader,
 * which would otherwise say only "video".
 */
function Player({ view, links }: { view: WatchView; links: WatchLinks }) {
  return (
    // biome-ignore lint/a11y/useMediaCaption: generated clips have no speech to caption
    <video
      controls
      playsinline
      preload="metadata"
      aria-label={view.title}
      src={links.video}
      width={view.width ?? undefined}
      height={view.height ?? undefined}
    />
  );
}

function Download({ links }: { links: WatchLinks }) {
  return (
    <a class="button" href={links.download} download>
      <LineIcon size={18} weight={2} d="M12 4v11m-5-5 5 5 5-5M5 20h14" />
      Download mp4
    </a>
  );
}

/**
 * The watch page. A finished task's page is complete without JavaScript (the player is a
 * plain <video>); a running one carries the player in a <template> and a small script that
 * fills it in when the live stream says done.
 */
export function WatchPage({ view, links, nonce, clock }: WatchPageProps) {
  const running = isRunning(view.state) && links;
  const playable = view.state === 'done' && links;
  const lost = watchWords.unavailable;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${view.title} · Jimeng video`}</title>
        <link rel="icon" href={FAVICON} />
        <UnfurlTags view={view} links={links} />
        {running && (
          <noscript>
            <meta http-equiv="refresh" content="20" />
          </noscript>
        )}
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: WATCH_STYLE }} />
      </head>
      <body>
        <main
          data-state={view.state}
          data-events={running ? links.events : undefined}
          data-lost-label={running ? lost.label : undefined}
          data-lost-detail={running ? lost.detail : undefined}
        >
          <p class="brand">
            {MARK}
            Jimeng video
          </p>
          <div class="stage" id="stage">
            {playable ? (
              <Player view={view} links={links} />
            ) : (
              <div class="placeholder">{running ? PENDING : UNPLAYABLE}</div>
            )}
          </div>
          <h1 id="title">{view.title}</h1>
          <div class="status">
            <span class="dot" aria-hidden="true" />
            <p id="label" role="status" aria-live="polite">
              {view.label}
            </p>
            {running && (
              <span id="elapsed" role="timer" data-elapsed={String(clock?.elapsedMs ?? 0)}>
                <span id="clock">{clockText(clock?.elapsedMs ?? 0)}</span>
                {` ${clockWords[clock?.from ?? 'first_seen']}`}
              </span>
            )}
          </div>
          <p id="detail" class="detail" aria-live="polite">
            {view.detail}
            {running && <noscript> Without JavaScript, it reloads every 20 seconds.</noscript>}
          </p>
          <div class="actions" id="actions">
            {playable && <Download links={links} />}
          </div>
          {running && (
            <template id="player">
              <Player view={view} links={links} />
              <Download links={links} />
            </template>
          )}
          {links && (
            <footer>
              <span id="facts">{view.facts && `${view.facts} · `}</span>
              task <code>{view.id}</code>
            </footer>
          )}
        </main>
        {running && <script nonce={nonce} dangerouslySetInnerHTML={{ __html: WATCH_SCRIPT }} />}
      </body>
    </html>
  );
}
