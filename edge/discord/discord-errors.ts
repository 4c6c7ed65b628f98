/** Every failed Discord call is a `DiscordError`; callers switch on its stable `code`. */
export type DiscordErrorCode =
  | 'discord_refused'
  | 'discord_rate_limited'
  | 'discord_timeout'
  | 'discord_unreachable';

export interface DiscordErrorDetails {
  httpStatus?: number | undefined;
  /** Discord's JSON error code (`50027 Invalid Webhook Token`…), when it sent one. */
  discordCode?: number | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Messages say what was being done ("editing the reply"), never the URL: interaction tokens
 * travel in the path.
 */
export abstract class DiscordError extends Error {
  override name = 'DiscordError';
  abstract readonly code: DiscordErrorCode;
  readonly httpStatus: number | undefined;
  readonly discordCode: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: DiscordErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.httpStatus = details.httpStatus;
    this.discordCode = details.discordCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Discord answered with an error status (and usually a JSON code saying why). */
export class DiscordRefusedError extends DiscordError {
  override name = 'DiscordRefusedError' as const;
  readonly code = 'discord_refused' as const;
}

/** A 429 that asked to wait longer than the caller can, or came back too many times. */
export class DiscordRateLimitedError extends DiscordError {
  override name = 'DiscordRateLimitedError' as const;
  readonly code = 'discord_rate_limited' as const;
}

export class DiscordTimeoutError extends DiscordError {
  override name = 'DiscordTimeoutError' as const;
  readonly code = 'discord_timeout' as const;
}

export class DiscordUnreachableError extends DiscordError {
  override name = 'DiscordUnreachableError' as const;
  readonly code = 'discord_unreachable' as const;
}

export function isDiscordError(value: unknown): value is DiscordError {
  return value instanceof DiscordError;
}
