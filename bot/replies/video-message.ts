import {
  type ConcurrencyLimit,
  type DownloadedVideo,
  isJimengError,
  type JimengClient,
  type Task,
} from '../../src/index.ts';
import type { OutgoingMessage } from '../delivery/deliverer.ts';
import { type Job, jobLogFields } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import { downloadFailure, LINK_FAILURES } from './download-failure.ts';
import { deliveredText, downloadFailedText, tooLargeText } from './messages.ts';
import { watchButton } from './watch-button.ts';

export interface VideoMessageOptions {
  jimeng: JimengClient;
  /** The cap on upstream requests in flight: the query for a fresh link takes a slot. */
  upstream: ConcurrencyLimit;
  /** A cap on videos held in memory at once. */
  downloads: ConcurrencyLimit;
  logger: Logger;
  downloadTimeoutMs?: number | undefined;
  edgePublicURL?: string | undefined;
  /**
   * The task's watch page on the edge, being asked for while the video downloads: it goes
   * under the video as a "Watch and share" button, and replaces the provider's link.
   */
  shareUrl?: Promise<string | undefined> | undefined;
}

/**
 * The video as an `<taskId>.mp4` attachment, or the link when it is over the guild's limit or
 * could not be fetched. A link the video host refuses is replaced once by a fresh one.
 */
export async function videoMessage(
  options: VideoMessageOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
): Promise<OutgoingMessage> {
  const message = await videoOrLink(options, job, task, signal);
  const shareUrl = await options.shareUrl;
  return shareUrl ? { ...message, components: watchButton(shareUrl) } : message;
}

async function videoOrLink(
  options: VideoMessageOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
): Promise<OutgoingMessage> {
  const { logger } = options;
  let latest = task;
  try {
    let video: DownloadedVideo;
    try {
      video = await download(options, job, latest, signal);
    } catch (error) {
      const failure = downloadFailure(error);
      if (signal.aborted || !LINK_FAILURES.has(failure.kind)) throw error;
      // The provider signs a new link on every query: a dead one is worth one fresh try.
      const fresh = await freshTask(options, job, task, signal);
      if (!fresh) throw error;
      logger('video_link_refreshed', { ...jobLogFields(job), reason: failure.kind });
      latest = fresh;
      video = await download(options, job, latest, signal);
    }
    logger('video_downloaded', { ...jobLogFields(job), bytes: video.size });
    return {
      content: deliveredText(latest, job.create?.prompt),
      // Discord plays an attachment inline only when its name ends in .mp4.
      file: { name: `${latest.id}.mp4`, data: video.bytes, contentType: 'video/mp4' },
    };
  } catch (error) {
    if (signal.aborted) throw error;
    if (isJimengError(error) && error.code === 'too_large') {
      logger('video_too_large', { ...jobLogFields(job), limit: job.attachmentSizeLimit });
      return {
        content: tooLargeText(
          latest,
          job.attachmentSizeLimit,
          options.edgePublicURL,
          await options.shareUrl,
        ),
      };
    }
    // The task is done: a stalled or failing video host must not read as "not finished", and
    // the user still gets the link while it works.
    const failure = downloadFailure(error);
    logger('video_download_failed', {
      ...jobLogFields(job),
      code: isJimengError(error) ? error.code : 'internal',
      reason: failure.kind,
      httpStatus: isJimengError(error) ? error.httpStatus : undefined,
      message: error instanceof Error ? error.message : String(error),
    });
    return {
      content: downloadFailedText(latest, failure, options.edgePublicURL, await options.shareUrl),
    };
  }
}

function download(
  { jimeng, downloads, downloadTimeoutMs }: VideoMessageOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
): Promise<DownloadedVideo> {
  return downloads.run(
    () =>
      jimeng.downloadVideo(task, {
        maxBytes: job.attachmentSizeLimit,
        signal,
        timeoutMs: downloadTimeoutMs,
      }),
    { signal },
  );
}

/** The task queried again for a new link; undefined when that fails or brings none. */
async function freshTask(
  { jimeng, upstream, logger }: VideoMessageOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
): Promise<Task | undefined> {
  try {
    const fresh = await upstream.run(() => jimeng.getTask(task.id, { signal }), { signal });
    job.requestId = fresh.requestId ?? job.requestId;
    return fresh.status === 'done' && fresh.videoUrl ? fresh : undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    logger('video_link_refresh_failed', {
      ...jobLogFields(job),
      code: isJimengError(error) ? error.code : 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
