import { createClient, type JimengClient, redactor, TimeoutError } from '../src/index.ts';
import type { EdgeTask } from './edge-task.ts';
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

let current: { settings: Settings; upstream: Upstream } | undefined;

/**
 * Built once per isolate and kept, so concurrent requests for one pending task share one
 * upstream query (single-flight state has to outlive a request to be shared).
 */
export function upstreamFor(settings: Settings): Upstream {
  if (current?.settings === settings) return current.upstream;
  const { upstreamToken: token, upstreamBaseURL: baseURL } = settings;
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
  current = { settings, upstream };
  return upstream;
}
