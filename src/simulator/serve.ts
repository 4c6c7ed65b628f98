// The only file that touches Node: everything else is a web-standard fetch handler.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES } from './body-limit.ts';
import type { Simulator } from './simulator.ts';
import { SimulatorReset } from './simulator-reset.ts';

export interface ServedSimulator {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Stops listening and drops every open connection, hung requests included. */
  close(): Promise<void>;
}

async function toRequest(
  req: IncomingMessage,
  origin: string,
  signal: AbortSignal,
): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    // Past the simulator's cap the rest is read and dropped: one byte over is enough for it
    // to refuse the body, and memory stays bounded whatever is uploaded.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body, signal });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if (res.destroyed) return void reader.cancel();
    res.write(value);
  }
  res.end();
}

/** Serves a simulator over real HTTP on Node, so clients are tested through real sockets. */
export async function serveSimulator(
  sim: Simulator,
  options: { port?: number; host?: string } = {},
): Promise<ServedSimulator> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(async (req, res) => {
    // The client going away is what ends a 'hang' fault, as it would end a real request.
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    try {
      const request = await toRequest(req, origin, aborter.signal);
      await writeResponse(await sim.fetch(request), res);
    } catch (error) {
      if (res.headersSent) {
        // A body that fails mid-way (a cut-off fault): what was written still goes out, then
        // the connection ends short of its Content-Length, as when a host dies mid-transfer.
        res.socket?.end();
      } else if (error instanceof SimulatorReset) req.socket.destroy();
      else if (!res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
