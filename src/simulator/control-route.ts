import { jsonResponse } from './envelope.ts';
import type { Fault } from './fault.ts';
import type { TaskInit } from './sim-task.ts';
import type { Simulator } from './simulator.ts';

export const CONTROL_PREFIX = '/__sim/';

const FAULT_KINDS = new Set<string>([
  'status',
  'proxy-error',
  'html',
  'hang',
  'reset',
  'truncated-json',
  'cut-off',
  'resp-data-not-json',
  'code',
  'delay',
]);

const FAULT_ROUTES = new Set<string>(['task', 'create', 'video', 'any']);

/** Why a posted fault cannot be queued as meant, or undefined: a typo would never fire. */
function faultProblem(fault: Record<string, unknown> | undefined): string | undefined {
  if (!fault || typeof fault.kind !== 'string' || !FAULT_KINDS.has(fault.kind)) {
    return `expected a JSON Fault with kind one of ${[...FAULT_KINDS].join(', ')}`;
  }
  if (fault.route !== undefined && !FAULT_ROUTES.has(String(fault.route))) {
    return `route must be one of ${[...FAULT_ROUTES].join(', ')}`;
  }
  if (fault.times !== undefined && typeof fault.times !== 'number') {
    return 'times must be a number';
  }
  return undefined;
}

async function readObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const badRequest = (message: string) => jsonResponse({ error: { message } }, 400);

/**
 * The simulator's own API, so a test in another process (a worker in workerd, a CLI) can
 * script it over HTTP. Needs no token: it is not part of the upstream being imitated.
 */
export async function answerControl(
  sim: Simulator,
  request: Request,
  pathname: string,
): Promise<Response> {
  const route = `${request.method} ${pathname.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case 'POST tasks': {
      const init = await readObject(request);
      if (!init) return badRequest('expected a JSON TaskInit object');
      return jsonResponse({ id: sim.addTask(init as TaskInit) });
    }
    case 'POST faults': {
      const fault = await readObject(request);
      const problem = faultProblem(fault);
      if (problem) return badRequest(problem);
      sim.fault(fault as unknown as Fault);
      return new Response(null, { status: 204 });
    }
    case 'GET requests':
      return jsonResponse(sim.requests);
    case 'POST reset':
      sim.reset();
      return new Response(null, { status: 204 });
    default:
      return jsonResponse({ error: { message: `no control route ${route}` } }, 404);
  }
}
