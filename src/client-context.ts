import type { Clock } from './clock.ts';
import type { RetryPolicy } from './retry-policy.ts';
import type { Transport } from './transport.ts';
import type { ResponseContext } from './upstream-response.ts';

/** What every call of one client shares. */
export interface ClientContext {
  clock: Clock;
  policy: RetryPolicy;
  transport: Transport;
}

/** How to read an answer for `action`, as of now. */
export function responseContext(
  { clock, transport }: ClientContext,
  action: string,
  taskId?: string,
): ResponseContext {
  return {
    action,
    taskId,
    now: clock.now(),
    redact: transport.redact,
    hasToken: transport.hasToken,
  };
}
