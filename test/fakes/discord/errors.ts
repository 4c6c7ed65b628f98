/** A Discord error answer, thrown by a route and turned into the response by the REST handler. */
export class DiscordHTTPError extends Error {
  override name = 'DiscordHTTPError' as const;
  readonly status: number;
  readonly body: { code: number; message: string };

  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.body = { code, message };
  }
}

/** The answers Discord gives, with its JSON error codes. */
export const discordErrors = {
  unauthorized: () => new DiscordHTTPError(401, 0, '401: Unauthorized'),
  notFound: () => new DiscordHTTPError(404, 0, '404: Not Found'),
  /** What Discord answers for a guild the application is not in (or lacks applications.commands). */
  missingAccess: () => new DiscordHTTPError(403, 50001, 'Missing Access'),
  unknownChannel: () => new DiscordHTTPError(404, 10003, 'Unknown Channel'),
  unknownMessage: () => new DiscordHTTPError(404, 10008, 'Unknown Message'),
  unknownWebhook: () => new DiscordHTTPError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => new DiscordHTTPError(404, 10062, 'Unknown interaction'),
  tooLarge: () => new DiscordHTTPError(413, 40005, 'Request entity too large'),
  alreadyAcknowledged: () =>
    new DiscordHTTPError(400, 40060, 'Interaction has already been acknowledged.'),
  invalidWebhookToken: () => new DiscordHTTPError(401, 50027, 'Invalid Webhook Token'),
  endpointNotVerified: () =>
    new DiscordHTTPError(
      400,
      50035,
      'Invalid Form Body: interactions_endpoint_url: The specified interactions endpoint url could not be verified.',
    ),
} as const;
