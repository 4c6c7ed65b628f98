/**
 * Everything the watch page can be about, in the words a person reads. The page's script
 * never writes its own: live updates carry these words in the event data.
 */
export type WatchState =
  | 'queued'
  | 'processing'
  | 'done'
  | 'failed'
  | 'expired'
  | 'not_found'
  | 'refused'
  | 'gone'
  | 'unavailable'
  | 'no_link';

export interface WatchWords {
  /** The status, short: it stands beside the dot. */
  label: string;
  /** What it means and what to do. */
  detail: string;
}

const LIVE = 'This page updates by itself: the video appears here as soon as it is ready.';

export const watchWords: Record<WatchState, WatchWords> = {
  queued: { label: 'Waiting in the queue', detail: `The provider has the request. ${LIVE}` },
  processing: { label: 'Being generated', detail: `Clips take a few minutes. ${LIVE}` },
  done: { label: 'Ready', detail: 'Play it here, or download the mp4 to keep it.' },
  failed: {
    label: 'This video could not be made',
    detail:
      'Generation failed on the provider’s side. Whoever shared this link can submit the prompt again.',
  },
  expired: {
    label: 'This task expired',
    detail: 'The provider dropped it before it finished. Submit the prompt again to get a video.',
  },
  not_found: {
    label: 'No such task',
    detail:
      'The provider does not know this task: it is older than 12 hours and its video was not kept here, or it never existed. Ask whoever shared the link for the video itself.',
  },
  refused: {
    label: 'The provider refused this video',
    detail: 'It did not pass the provider’s content checks. Change the prompt and submit it again.',
  },
  gone: {
    label: 'This video is no longer available',
    detail:
      'The provider’s link to it expired (after about an hour) before it was kept here. Submit the prompt again to get a new one.',
  },
  unavailable: {
    label: 'The provider is not answering',
    detail: 'Nothing is lost: reload this page in a minute.',
  },
  no_link: {
    label: 'This link is not valid',
    detail: 'Check that you copied all of it, or ask whoever shared it for a new one.',
  },
};
