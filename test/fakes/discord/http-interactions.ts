import { request as httpRequest } from 'node:http';
import { type InteractionInit, interactionPayload } from './interaction.ts';
import type { Json, World } from './payloads.ts';
import type { InteractionSigner } from './signer.ts';
import type { Store } from './store.ts';

/** Discord gives up on an interaction not answered within this ("The application did not respond"). */
export const ANSWER_DEADLINE_MS = 3_000;

export interface HttpInteractionOptions {
  /** `X-Signature-Ed25519` as sent; null leaves the header out. Default: the right signature. */
  signature?: string | null;
  /** `X-Signature-Timestamp` as sent (unix seconds); null leaves it out. Default: now. */
  timestamp?: string | null;
}

export interface HttpInteractionResult {
  id: string;
  token: string;
  /** The Worker's HTTP status. */
  status: number;
  /** The Worker's answer: parsed JSON, or its text. */
  body: unknown;
  /** From sending the interaction to having read the whole answer. */
  ms: number;
  /** The request exactly as sent: what someone who saw it on the wire could send again. */
  sent: { headers: Record<string, string>; body: string };
}

export interface HttpInteractionsOptions {
  world: World;
  store: Store;
  signer: InteractionSigner;
  nextId: () => string;
}

/**
 * Discord's side of HTTP interactions: POSTs a signed interaction to an Interactions Endpoint
 * URL and, like Discord, takes the HTTP answer as the interaction's response. A reply (4) or a
 * deferral (5) creates the original message; an answer later than 3 s kills the interaction.
 */
export function createHttpInteractions({ world, store, signer, nextId }: HttpInteractionsOptions) {
  async function send(
    endpoint: string,
    payload: Json,
    options: HttpInteractionOptions,
  ): Promise<HttpInteractionResult> {
    const id = String(payload.id);
    const token = String(payload.token);
    const body = JSON.stringify(payload);
    const timestamp =
      options.timestamp === undefined ? String(Math.floor(Date.now() / 1000)) : options.timestamp;
    const signature =
      options.signature === undefined ? signer.sign(timestamp ?? '', body) : options.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
    };
    if (signature !== null) headers['x-signature-ed25519'] = signature;
    if (timestamp !== null) headers['x-signature-timestamp'] = timestamp;
    const started = performance.now();
    const response = await post(endpoint, headers, body);
    const text = response.text;
    const ms = performance.now() - started;
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // Kept as text: the test sees what the Worker said.
    }
    const interaction = store.interactions.get(token);
    if (interaction && response.status === 200) {
      if (ms > ANSWER_DEADLINE_MS) interaction.expired = true;
      else store.acknowledge(token, answer);
    }
    return { id, token, status: response.status, body: answer, ms, sent: { headers, body } };
  }

  /** The PING Discord sends when the endpoint is saved, and now and then after. */
  function ping(endpoint: string, options: HttpInteractionOptions = {}) {
    const payload = {
      id: nextId(),
      application_id: world.applicationId,
      type: 1,
      token: `fake-ping-${nextId()}`,
      version: 1,
    };
    return send(endpoint, payload, options);
  }

  return {
    ping,
    /** A chat-input command, as Discord POSTs it to the endpoint. */
    command(endpoint: string, init: InteractionInit, options: HttpInteractionOptions = {}) {
      const ids = { id: nextId(), token: `fake-interaction-${nextId()}` };
      store.addInteraction(ids.id, ids.token, init.attachmentSizeLimit);
      const payload = interactionPayload(world, init, {
        ...ids,
        commandId: store.commandId(init.commandName),
      });
      return send(endpoint, payload, options);
    },
    /**
     * What Discord does before it saves an Interactions Endpoint URL: a PING with a wrong
     * signature must be refused with 401, and a signed one answered `{ "type": 1 }`.
     */
    async verifyEndpoint(endpoint: string): Promise<boolean> {
      try {
        const forged = await ping(endpoint, { signature: '00'.repeat(64) });
        if (forged.status !== 401) return false;
        const signed = await ping(endpoint);
        return signed.status === 200 && (signed.body as { type?: unknown }).type === 1;
      } catch {
        return false;
      }
    },
  };
}

export type HttpInteractions = ReturnType<typeof createHttpInteractions>;

/**
 * One POST on a connection of its own, as Discord's senders make them. A pooled keep-alive
 * connection would race the server closing it when idle: under load, some requests would die
 * with ECONNRESET for reasons that are the client's, not the endpoint's.
 */
function post(
  endpoint: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      endpoint,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
