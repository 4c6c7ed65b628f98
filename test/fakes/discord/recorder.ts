import type { UploadedFile } from './multipart.ts';

export interface RecordedRequest {
  method: string;
  /** The path after `/api/v10`, percent-decoded, without the query: `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body. */
  body: unknown;
  files: UploadedFile[];
  /** The status the fake answered with. */
  status: number;
  /** `Date.now()` when the request arrived. */
  at: number;
}

interface Waiter {
  predicate: (request: RecordedRequest) => boolean;
  resolve: (request: RecordedRequest) => void;
}

/** Every REST call the fake answered, in order, and the tests waiting for one. */
export class Recorder {
  /** Never reassigned: the fake hands this very array to tests. */
  readonly requests: RecordedRequest[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #cancels = new Set<(reason: Error) => void>();

  record(request: RecordedRequest): void {
    this.requests.push(request);
    for (const waiter of this.#waiters) {
      if (waiter.predicate(request)) waiter.resolve(request);
    }
  }

  waitFor(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 5_000,
  ): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        this.#cancels.delete(cancel);
      };
      const waiter: Waiter = {
        predicate,
        resolve: (request) => {
          done();
          resolve(request);
        },
      };
      const cancel = (reason: Error) => {
        done();
        reject(reason);
      };
      const timer = setTimeout(() => {
        cancel(
          new Error(
            `fake Discord: no matching request within ${timeoutMs} ms; seen:\n${this.describe()}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
      this.#cancels.add(cancel);
    });
  }

  /** One line per request, `PATCH /webhooks/… -> 200 [1 file]`, for failure messages. */
  describe(): string {
    if (this.requests.length === 0) return '  (none)';
    return this.requests
      .map((r) => {
        const files = r.files.length > 0 ? ` [${r.files.map((f) => f.name).join(', ')}]` : '';
        return `  ${r.method} ${r.path} -> ${r.status}${files}`;
      })
      .join('\n');
  }

  /** Rejects every pending `waitFor`, so a closed fake leaves no timer behind. */
  close(): void {
    for (const cancel of this.#cancels) cancel(new Error('fake Discord was closed'));
  }
}
