import {
  createClient,
  DEFAULT_BASE_URL,
  type JimengClient,
  redactor,
  TimeoutError,
} from '../src/index.ts';
import type { EdgeTask } from './edge-task.ts';
import type { Env } from './env.ts';
import type { Settings } from './settings.ts';
import { sharedFlight } from './shared-flight.ts';

/** The provider as this isolate sees it: one client and one in-flight query per task id. */
export interface Upstream {
  client: JimengClient;
  baseURL: string;
  /** Scrubs the token out of anything about to leave the Worker. */
  redact(text: string): string;
  flight: (id: string, run: () => Promise<EdgeTask>) => Promise<EdgeTask>;
}

let current: { env: Env; upstream: Upstream } | undefined;

/**
 * Built once per isolate and kept, so concurrent requests for one pending task share one
 * upstream query (single-flight state has to outlive a request to be shared).
 */
export function upstreamFor(env: Env, settings: Settings): Upstream {
  if (current?.env === env) return current.upstream;
  const token = env.JIMENG_TOKEN?.trim() || undefined;
  const baseURL = env.JIMENG_BASE_URL?.trim() || DEFAULT_BASE_URL;
  const upstream: Upstream = {
    client: createClient({
      token,
      baseURL,
      timeoutMs: settings.upstreamTimeoutMs,
      retries: settings.upstreamRetries,
    }),
    baseURL,
    redact: redactor(token),
    // The query's own deadline normally ends it first, with the provider's last answer.
    flight: sharedFlight<string, EdgeTask>(
      settings.upstreamTimeoutMs + 1_000,
      (id) =>
        new TimeoutError(`The provider did not answer in time while querying task ${id}.`, {
          taskId: id,
        }),
    ),
  };
  current = { env, upstream };
  return upstream;
}
