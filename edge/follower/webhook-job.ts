import { isTerminalStatus } from '../../src/index.ts';
import { edgeTask } from '../edge-task.ts';
import { webhookEvent } from '../webhook/webhook-event.ts';
import { webhookRetryDelayMs } from '../webhook/webhook-schedule.ts';
import { signWebhook, WebhookSecretError } from '../webhook/webhook-signature.ts';
import { webhookUrlProblem } from '../webhook/webhook-url.ts';
import { ARCHIVE_JOB_ID } from './archive-job.ts';
import type { JobKind, JobOutcome } from './job-kind.ts';

export interface WebhookData {
  url: string;
  /** The exact body, fixed at the first attempt: every retry sends the same bytes. */
  body?: string;
}

/** At most this many webhooks per task. */
export const MAX_WEBHOOKS_PER_TASK = 10;

/** `msg_` and 128 random bits, as Standard Webhooks' own examples name messages. */
export function newWebhookId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const base64url = btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
  return `msg_${base64url}`;
}

/**
 * POSTs `{ type, timestamp, data }` to a subscriber once the task has ended (after the R2
 * copy when there is one, so `/video` works when the receiver asks), signed per Standard
 * Webhooks. A 2xx is delivered; 410 means the receiver wants no more; anything else, or no
 * answer within EDGE_WEBHOOK_TIMEOUT_MS, is retried on the schedule, with the same
 * `webhook-id` and body every time.
 */
export const webhookJob: JobKind<WebhookData> = {
  name: 'webhook',
  ready: (_job, { task, pending }) =>
    task !== undefined &&
    isTerminalStatus(task.status) &&
    !(task.status === 'done' && pending(ARCHIVE_JOB_ID) > 0),
  async attempt({ job, view, settings, upstream, now, save }): Promise<JobOutcome<WebhookData>> {
    const later = (error: string): JobOutcome<WebhookData> => {
      const delay = webhookRetryDelayMs(job.attempts, settings.webhookBackoffScale);
      return delay === undefined
        ? { status: 'drop', error: `gave up after ${job.attempts} attempts: ${error}` }
        : { status: 'retry', at: now + delay, error };
    };
    const refused = webhookUrlProblem(job.data.url, settings.webhookAllowPrivate);
    if (refused) return { status: 'drop', error: refused };
    const secret = settings.webhookSecret;
    // Removed since the subscription: a deploy may bring it back within the schedule.
    if (!secret) return later('EDGE_WEBHOOK_SECRET is not set');
    let body = job.data.body;
    if (body === undefined) {
      const task = view.task && edgeTask(view.task, view.archived);
      const event = task && webhookEvent(task, now);
      if (!event) return { status: 'wait' };
      // Scrubbed like every answer of the edge: `raw` is the provider's body.
      body = upstream.redact(JSON.stringify(event));
      save({ ...job.data, body });
    }
    const timestamp = Math.floor(now / 1000);
    let signature: string;
    try {
      signature = await signWebhook(secret, job.id, timestamp, body);
    } catch (error) {
      if (error instanceof WebhookSecretError) return later(error.message);
      throw error;
    }
    let response: Response;
    try {
      response = await fetch(job.data.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jimeng-task-edge',
          'webhook-id': job.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
        // A redirect could lead anywhere, a private address included: it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.webhookTimeoutMs),
      });
    } catch (error) {
      const timedOut = (error as { name?: unknown })?.name === 'TimeoutError';
      return later(
        timedOut
          ? `no answer within ${settings.webhookTimeoutMs} ms`
          : `could not reach the receiver (${error instanceof Error ? error.name : 'error'})`,
      );
    }
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { status: 'done' };
    if (response.status === 410) {
      return { status: 'drop', error: 'the receiver answered 410 Gone: no more attempts' };
    }
    return later(`the receiver answered HTTP ${response.status}`);
  },
};
