/**
 * Thrown by `Simulator.fetch` for a `reset` fault: the connection must be dropped without an
 * answer, which a fetch handler cannot express. `serveSimulator` catches it and destroys the
 * socket (on Node, Bun and Deno alike), so the client sees what it sees when a proxy dies
 * mid-request; `Simulator.error` does the same where the host is `Bun.serve`.
 */
export class SimulatorReset extends Error {
  override readonly name = 'SimulatorReset' as const;

  constructor() {
    super('Simulated connection reset: the socket is to be destroyed without an answer');
  }
}

/**
 * An answer that fails before its first byte. Bun.serve cannot drop a connection on request
 * (oven-sh/bun#6575), but it closes the socket when a body fails before anything was sent:
 * the client then sees a reset, not a 500. (Deno.serve sends the status line first, so there
 * `serveSimulator` is the way to drop a connection.)
 */
export function droppedConnection(): Response {
  return new Response(
    new ReadableStream({ start: (controller) => controller.error(new SimulatorReset()) }),
  );
}
