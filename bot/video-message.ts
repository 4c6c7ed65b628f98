import {
  type ConcurrencyLimit,
  isJimengError,
  type JimengClient,
  type Task,
} from '../src/index.ts';
import type { Job } from './job.ts';
import { jobLogFields } from './job-log-fields.ts';
import type { Logger } from './log.ts';
import { deliveredText, downloadFailedText, tooLargeText } from './messages.ts';
import type { OutgoingMessage } from './outgoing-message.ts';

export interface VideoMessageOptions {
  jimeng: JimengClient;
  /** A cap on videos held in memory at once. */
  downloads: ConcurrencyLimit;
  logger: Logger;
  downloadTimeoutMs?: number | undefined;
  edgePublicURL?: string | undefined;
}

/**
 * The video as an `<taskId>.mp4` attachment, or the link when it is over the guild's limit or
 * could not be fetched.
 */
export async function videoMessage(
  options: VideoMessageOptions,
  job: Job,
  task: Task,
  signal: AbortSignal,
): Promise<OutgoingMessage> {
  const { jimeng, downloads, logger } = options;
  try {
    const video = await downloads.run(
      () =>
        jimeng.downloadVideo(task, {
          maxBytes: job.attachmentSizeLimit,
          signal,
          timeoutMs: options.downloadTimeoutMs,
        }),
      { signal },
    );
    logger('video_downloaded', { ...jobLogFields(job), bytes: video.size });
    return {
      content: deliveredText(task, job.create?.prompt),
      // Discord plays an attachment inline only when its name ends in .mp4.
      file: { name: `${task.id}.mp4`, data: video.bytes, contentType: 'video/mp4' },
    };
  } catch (error) {
    if (signal.aborted) throw error;
    if (isJimengError(error) && error.code === 'too_large') {
      logger('video_too_large', { ...jobLogFields(job), limit: job.attachmentSizeLimit });
      return { content: tooLargeText(task, job.attachmentSizeLimit, options.edgePublicURL) };
    }
    // The task is done: a stalled or failing video host must not read as "not finished", and
    // the user still gets the link while it works.
    logger('video_download_failed', {
      ...jobLogFields(job),
      code: isJimengError(error) ? error.code : 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
    return { content: downloadFailedText(task, error, options.edgePublicURL) };
  }
}
