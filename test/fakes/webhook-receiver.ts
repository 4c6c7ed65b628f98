// A webhook receiver: a real HTTP server on 127.0.0.1 that records every delivery and answers
// each path from a script (statuses in order, then 200), for tests and benchmarks.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the body had arrived. */
  at: number;
}

/**
 * A status to answer, a redirect (a status with its `Location`), or `hang` to never answer
 * (until the sender gives up).
 */
export type ReceiverAnswer = number | { status: number; location: string } | 'hang';

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  deliveries: Delivery[];
  /** Deliveries to `path`, oldest first. */
  to(path: string): Delivery[];
  /** The next answers for `path`, in order; 200 once they are used up. */
  script(path: string, answers: ReceiverAnswer[]): void;
  /** Resolves once `path` has had `count` deliveries; rejects after `ms`. */
  until(path: string, count: number, ms?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const scripts = new Map<string, ReceiverAnswer[]>();
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      deliveries.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      });
      for (const wake of waiters) wake();
      const answer = scripts.get(path)?.shift() ?? 200;
      if (answer === 'hang') return;
      if (typeof answer === 'number') res.writeHead(answer).end();
      else res.writeHead(answer.status, { location: answer.location }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const to = (path: string) => deliveries.filter((d) => d.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    to,
    script: (path, answers) => void scripts.set(path, [...answers]),
    until: (path, count, ms = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (to(path).length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(to(path));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${path}: ${to(path).length} of ${count} deliveries after ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
