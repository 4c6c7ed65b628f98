/**
 * Thrown by `Simulator.fetch` for a `reset` fault: the connection must be dropped without an
 * answer, which a fetch handler cannot express. `serveSimulator` catches it and destroys the
 * socket, so the client sees what it sees when a proxy dies mid-request.
 */
export class SimulatorReset extends Error {
  override readonly name = 'SimulatorReset' as const;

  constructor() {
    super('Simulated connection reset: the socket is to be destroyed without an answer');
  }
}
