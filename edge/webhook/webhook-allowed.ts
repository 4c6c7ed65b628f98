import { EdgeError } from '../errors.ts';
import type { Settings } from '../settings.ts';
import { secretBytes, WebhookSecretError } from './webhook-signature.ts';
import { webhookUrlProblem } from './webhook-url.ts';

/**
 * Refuses a webhook before anything is stored or submitted: 503 when this endpoint cannot sign
 * (no EDGE_WEBHOOK_SECRET, or a malformed one), 400 for a URL it must not call.
 */
export function assertWebhookAllowed(settings: Settings, url: string): void {
  if (!settings.webhookSecret) {
    throw new EdgeError(
      503,
      'not_configured',
      'This endpoint cannot sign webhooks: set the secret EDGE_WEBHOOK_SECRET ("whsec_" and a base64 key of 24 to 64 bytes) with `wrangler secret put EDGE_WEBHOOK_SECRET`.',
    );
  }
  try {
    secretBytes(settings.webhookSecret);
  } catch (error) {
    if (error instanceof WebhookSecretError)
      throw new EdgeError(503, 'not_configured', error.message);
    throw error;
  }
  const problem = webhookUrlProblem(url, settings.webhookAllowPrivate);
  if (problem) throw new EdgeError(400, 'invalid_request', `Refused webhook URL: ${problem}.`);
}
