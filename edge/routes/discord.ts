import type { APIInteractionResponsePong } from 'discord-api-types/v10';
import { bodyLimit } from 'hono/body-limit';
import { Hono } from 'hono/tiny';
import { answerCommand } from '../discord/command-answer.ts';
import { discordRuntime } from '../discord/discord-runtime.ts';
import { readInteraction } from '../discord/read-interaction.ts';
import { checkSignature, importPublicKey } from '../discord/verify-interaction.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import type { DiscordSettings } from '../settings.ts';

/**
 * An interaction is a few KB (resolved users, channels, attachments' metadata): a body past
 * this is no interaction, and reading and verifying it would cost memory and CPU for nothing.
 */
const MAX_INTERACTION_BYTES = 1024 * 1024;

const withinLimit = bodyLimit({
  maxSize: MAX_INTERACTION_BYTES,
  onError: () => {
    throw new EdgeError(413, 'invalid_request', 'An interaction is at most 1 MiB.');
  },
});

/**
 * `POST /discord/interactions`: the Interactions Endpoint URL of a Discord application. The
 * signature is checked before the body is read as anything but bytes; Discord itself sends
 * badly signed requests now and then, and expects a 401.
 */
export const discordRoute = new Hono<AppEnv>().post(
  '/interactions',
  async (c, next) => {
    if (!c.get('settings').discord) return c.notFound();
    return withinLimit(c, next);
  },
  async (c) => {
    const discord = c.get('settings').discord as DiscordSettings;
    let key: CryptoKey;
    try {
      key = await importPublicKey(discord.publicKey);
    } catch (error) {
      throw new EdgeError(500, 'not_configured', (error as Error).message);
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    const problem = await checkSignature(
      key,
      {
        signature: c.req.header('x-signature-ed25519'),
        timestamp: c.req.header('x-signature-timestamp'),
        body,
      },
      Date.now(),
    );
    if (problem) {
      throw new EdgeError(
        401,
        'caller_unauthorized',
        problem === 'stale'
          ? 'The request signature is more than 5 minutes old.'
          : 'The request is not signed by Discord (X-Signature-Ed25519).',
      );
    }
    const interaction = readInteraction(body);
    // Each application signs with its own key: a good signature for another application's id
    // means DISCORD_PUBLIC_KEY and DISCORD_APPLICATION_ID were copied from two applications.
    const expected = discord.applicationId;
    if (expected && interaction.application_id !== expected) {
      discordRuntime(c.env).logger('interaction_refused', {
        applicationId: interaction.application_id,
        expected,
        reason: 'DISCORD_APPLICATION_ID is not the application of DISCORD_PUBLIC_KEY',
      });
      throw new EdgeError(
        401,
        'caller_unauthorized',
        'The interaction is for another application than DISCORD_APPLICATION_ID.',
      );
    }
    // Discord checks the endpoint with a PING when the URL is saved, and now and then after.
    if (interaction.type === 1) return c.json({ type: 1 } satisfies APIInteractionResponsePong);
    if (interaction.type === 2) return c.json(await answerCommand(c, interaction));
    throw new EdgeError(
      400,
      'invalid_request',
      `Interactions of type ${interaction.type} are not served here.`,
    );
  },
);
