import { type Job, jobLogFields } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import {
  AttachmentTooLargeError,
  type Deliverer,
  type Delivery,
  type OutgoingMessage,
} from './deliverer.ts';

export interface FinalPostOptions {
  deliverer: Deliverer;
  logger: Logger;
}

/** Why the video goes as a link: over the upload limit, or the bot may not attach files there. */
export type LinkReason = 'too_large' | 'cannot_attach';

/**
 * Delivers a job's final answer; `linkOnly` (the link) goes instead when Discord refuses the
 * upload as too large, or when the channel (the way once the token is gone) lets the bot post
 * text but not files. An answer that could be posted nowhere is logged with the reason.
 */
export async function postFinal(
  { deliverer, logger }: FinalPostOptions,
  job: Job,
  message: OutgoingMessage,
  linkOnly?: (why: LinkReason) => OutgoingMessage,
): Promise<Delivery> {
  let delivery: Delivery;
  try {
    delivery = await deliverer.deliver(job, message);
  } catch (error) {
    if (!(error instanceof AttachmentTooLargeError) || !linkOnly) throw error;
    logger('upload_refused_too_large', jobLogFields(job));
    delivery = await deliverer.deliver(job, linkOnly('too_large'));
  }
  if (
    delivery.via === 'nowhere' &&
    message.file &&
    linkOnly &&
    delivery.missing.length > 0 &&
    delivery.missing.every((permission) => permission === 'Attach Files')
  ) {
    logger('video_sent_as_link', { ...jobLogFields(job), missing: delivery.missing.join(', ') });
    delivery = await deliverer.deliver(job, linkOnly('cannot_attach'));
  }
  if (delivery.via === 'nowhere') {
    logger('delivery_blocked', {
      ...jobLogFields(job),
      reason: delivery.reason,
      missing: delivery.missing.join(', '),
    });
  }
  return delivery;
}
