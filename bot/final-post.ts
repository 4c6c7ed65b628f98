import { AttachmentTooLargeError } from './attachment-too-large-error.ts';
import type { Deliverer } from './deliverer.ts';
import type { Delivery } from './delivery.ts';
import type { Job } from './job.ts';
import { jobLogFields } from './job-log-fields.ts';
import type { Logger } from './log.ts';
import type { OutgoingMessage } from './outgoing-message.ts';

export interface FinalPostOptions {
  deliverer: Deliverer;
  logger: Logger;
}

/**
 * Delivers a job's final answer; `fallback` (the link) goes instead when Discord refuses the
 * upload as too large. An answer that could be posted nowhere is logged with the reason.
 */
export async function postFinal(
  { deliverer, logger }: FinalPostOptions,
  job: Job,
  message: OutgoingMessage,
  fallback?: OutgoingMessage,
): Promise<Delivery> {
  let delivery: Delivery;
  try {
    delivery = await deliverer.deliver(job, message);
  } catch (error) {
    if (!(error instanceof AttachmentTooLargeError) || !fallback) throw error;
    logger('upload_refused_too_large', jobLogFields(job));
    delivery = await deliverer.deliver(job, fallback);
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
