/** Which requests a fault applies to: queries, submits, video downloads, or the first of any. */
export type FaultRoute = 'task' | 'create' | 'video' | 'any';

/** Which requests, and how many of them, a fault applies to (default: the next one of any). */
export interface FaultScope {
  route?: FaultRoute;
  /** How many matching requests it answers: default 1, `Infinity` for all, 0 for none. */
  times?: number;
}

export type FaultKind =
  /** A JSON error body `{code, message, request_id, status, …}`; code defaults by status. */
  | { kind: 'status'; status: number; retryAfter?: string; code?: number; message?: string }
  /** The proxy's own shape, `{"error": {"message", "type": "new_api_error"}}`. */
  | { kind: 'proxy-error'; status: number; message?: string }
  /** An HTML error page, as nginx answers when the upstream is down. */
  | { kind: 'html'; status: number }
  /** Never answers; ends only when the request's signal aborts. */
  | { kind: 'hang' }
  /** The connection is dropped: `fetch` throws `SimulatorReset`, the server destroys the socket. */
  | { kind: 'reset' }
  /** HTTP 200 with the normal body cut in half (its bytes; a video stays video/mp4). */
  | { kind: 'truncated-json' }
  /**
   * The normal status and headers (its whole Content-Length), half the body, then the
   * connection drops: a download that breaks off on the wire.
   */
  | { kind: 'cut-off' }
  /** A done body whose resp_data is the fixture's unparsable string (task queries only). */
  | { kind: 'resp-data-not-json' }
  /** A business error body, e.g. 50412 on create; the HTTP status defaults by code. */
  | { kind: 'code'; code: number; status?: number; message?: string }
  /** The normal answer, `ms` late. */
  | { kind: 'delay'; ms: number };

export type Fault = FaultScope & FaultKind;

export type RequestRoute = Exclude<FaultRoute, 'any'> | 'other';

// Bodies only the provider writes: the proxy refuses a bad token before the provider sees it.
const PROVIDER_KINDS: ReadonlySet<FaultKind['kind']> = new Set([
  'status',
  'code',
  'resp-data-not-json',
]);

/** A request, as far as choosing its fault goes. */
export interface FaultTarget {
  route: RequestRoute;
  /** The proxy answers it itself (a bad token, an unknown route): no provider fault applies. */
  refusedByProxy: boolean;
}

/** Scripted faults, consumed first in, first out among those matching a request's route. */
export class FaultQueue {
  readonly #queue: { fault: Fault; left: number }[] = [];

  push(fault: Fault): void {
    const left = fault.times ?? 1;
    // `times: 0` (or less, or NaN) means no request: queued, it would still hit one.
    if (!(left >= 1)) return;
    this.#queue.push({ fault, left });
  }

  take(target: FaultTarget): Fault | undefined {
    const index = this.#queue.findIndex(({ fault }) => matches(fault, target));
    const entry = this.#queue[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.#queue.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.#queue.length = 0;
  }
}

function matches(fault: Fault, { route, refusedByProxy }: FaultTarget): boolean {
  if (refusedByProxy && PROVIDER_KINDS.has(fault.kind)) return false;
  // A done body only makes sense as the answer to a task query.
  if (fault.kind === 'resp-data-not-json' && route !== 'task') return false;
  const wanted = fault.route ?? 'any';
  return wanted === 'any' || wanted === route;
}
