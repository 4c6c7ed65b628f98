import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { guildCreatePayload, type Json, readyPayload, type World } from './payloads.ts';
import { createSnowflakes } from './snowflake.ts';

/** Gateway opcodes and close codes from Discord's "Opcodes and Status Codes" page. */
const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;
const Close = { NotAuthenticated: 4003, AuthenticationFailed: 4004, AlreadyAuthenticated: 4005 };
const closeReasons: Record<number, string> = {
  [Close.NotAuthenticated]: 'Not authenticated.',
  [Close.AuthenticationFailed]: 'Authentication failed.',
  [Close.AlreadyAuthenticated]: 'Already authenticated.',
};

export const GATEWAY_PATH = '/gateway';

export interface GatewayOptions {
  world: World;
  token: string;
  /** `ws://127.0.0.1:PORT/gateway`, also handed out as `resume_gateway_url`. */
  url: string;
  heartbeatIntervalMs: number;
}

interface Session {
  id: string;
  sequence: number;
}

/**
 * The websocket half of the fake: HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATE,
 * RESUME of a known session, and dispatches to every identified connection (two bots running
 * with one token both get each event, as on Discord).
 */
export function createGateway({ world, token, url, heartbeatIntervalMs }: GatewayOptions) {
  const server = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, Session>();
  const identified = new Map<WebSocket, Session>();
  const readyWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  const nextId = createSnowflakes();

  const isToken = (value: unknown) => value === token || value === `Bot ${token}`;

  function dispatch(socket: WebSocket, session: Session, t: string, d: unknown): void {
    session.sequence += 1;
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ op: Op.Dispatch, t, s: session.sequence, d }));
    }
  }

  function markReady(socket: WebSocket, session: Session): void {
    identified.set(socket, session);
    for (const waiter of readyWaiters) waiter.resolve();
    readyWaiters.clear();
  }

  /** Answers one client payload; a close code when the client must be dropped. */
  function onPayload(socket: WebSocket, op: unknown, d: Json): number | undefined {
    switch (op) {
      case Op.Heartbeat:
        socket.send(JSON.stringify({ op: Op.HeartbeatAck }));
        return undefined;
      case Op.Identify: {
        if (!isToken(d.token)) return Close.AuthenticationFailed;
        if (identified.has(socket)) return Close.AlreadyAuthenticated;
        const session = { id: nextId(), sequence: 0 };
        sessions.set(session.id, session);
        dispatch(socket, session, 'READY', readyPayload(world, session.id, url));
        dispatch(socket, session, 'GUILD_CREATE', guildCreatePayload(world));
        markReady(socket, session);
        return undefined;
      }
      case Op.Resume: {
        if (!isToken(d.token)) return Close.AuthenticationFailed;
        const session = sessions.get(String(d.session_id));
        if (!session) {
          socket.send(JSON.stringify({ op: Op.InvalidSession, d: false }));
          return undefined;
        }
        dispatch(socket, session, 'RESUMED', null);
        markReady(socket, session);
        return undefined;
      }
      default:
        return identified.has(socket) ? undefined : Close.NotAuthenticated;
    }
  }

  function onMessage(socket: WebSocket, data: RawData): void {
    let payload: { op?: unknown; d?: Json | null };
    try {
      payload = JSON.parse(data.toString());
    } catch {
      return;
    }
    const code = onPayload(socket, payload.op, payload.d ?? {});
    if (code !== undefined) socket.close(code, closeReasons[code]);
  }

  server.on('connection', (socket) => {
    socket.send(JSON.stringify({ op: Op.Hello, d: { heartbeat_interval: heartbeatIntervalMs } }));
    socket.on('message', (data) => onMessage(socket, data));
    socket.on('close', () => identified.delete(socket));
    socket.on('error', () => identified.delete(socket));
  });

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      if (new URL(req.url ?? '/', 'http://fake.invalid').pathname !== GATEWAY_PATH) {
        socket.destroy();
        return;
      }
      server.handleUpgrade(req, socket, head, (ws) => server.emit('connection', ws, req));
    },

    /** Resolves once a client is identified (now, or when the next one is). */
    ready(timeoutMs = 10_000): Promise<void> {
      if (identified.size > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            readyWaiters.delete(waiter);
            reject(error);
          },
        };
        const timer = setTimeout(
          () =>
            waiter.reject(
              new Error(`fake Discord: no client identified on the gateway within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        readyWaiters.add(waiter);
      });
    },

    /** Sends a dispatch to every identified client; returns how many got it. */
    dispatch(t: string, d: unknown): number {
      for (const [socket, session] of identified) dispatch(socket, session, t, d);
      return identified.size;
    },

    /** Drops every connection without a close frame, as when the bot's process dies. */
    disconnect(): void {
      for (const socket of server.clients) socket.terminate();
      identified.clear();
    },

    close(): Promise<void> {
      for (const waiter of readyWaiters) waiter.reject(new Error('fake Discord was closed'));
      for (const socket of server.clients) socket.terminate();
      identified.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
