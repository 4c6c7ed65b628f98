import { proxyError } from './envelope.ts';

export const SIMULATOR_TOKEN = 'sim-token';

/**
 * The proxy checks the token before the provider sees anything, and answers in its own shape.
 * The message never echoes the presented token: it would end up in logs.
 */
export function checkBearer(request: Request, token: string, at: number): Response | undefined {
  if (hasBearer(request, token)) return undefined;
  return proxyError(401, 'invalid token', at);
}

/** Whether the request carries `token`, i.e. whether the proxy lets it through. */
export function hasBearer(request: Request, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1]?.trim() === token;
}
