import { sleep, waitForAbort } from './abortable-wait.ts';
import { codeForStatus, statusForCode } from './business-codes.ts';
import { businessError, jsonResponse, proxyError, successBody } from './envelope.ts';
import type { Fault } from './fault.ts';
import { FIXTURE_RESP_DATA_NOT_JSON } from './fixture.ts';
import { nginxPage } from './nginx-page.ts';
import { doneData } from './query-route.ts';
import { createTask } from './sim-task.ts';
import { SimulatorReset } from './simulator-reset.ts';
import type { SimState } from './state.ts';

export interface FaultContext {
  request: Request;
  state: SimState;
  origin: string;
  /** The task a query asks about, when the request is a query. */
  taskId?: string;
  /** The answer the request would have had without the fault. */
  answer: () => Promise<Response>;
}

function proxyMessage(status: number): string {
  if (status === 401) return 'invalid token';
  if (status === 429 || status === 503) return 'upstream is saturated, please try again later';
  return `upstream error: do request failed (status ${status})`;
}

/** Turns a scripted fault into what the client sees for this request. */
export async function answerFault(fault: Fault, ctx: FaultContext): Promise<Response> {
  const at = ctx.state.now();
  switch (fault.kind) {
    case 'status': {
      const headers = fault.retryAfter ? { 'retry-after': fault.retryAfter } : undefined;
      const code = fault.code ?? codeForStatus(fault.status);
      return businessError(code, fault.status, at, fault.message, headers);
    }
    case 'proxy-error':
      return proxyError(fault.status, fault.message ?? proxyMessage(fault.status), at);
    case 'html':
      return nginxPage(fault.status);
    case 'hang':
      return waitForAbort(ctx.request.signal);
    case 'reset':
      throw new SimulatorReset();
    case 'truncated-json': {
      // Bytes, not text, and the normal headers: on a video request it is half an mp4.
      const normal = await ctx.answer();
      const bytes = new Uint8Array(await normal.arrayBuffer());
      const half = bytes.slice(0, Math.floor(bytes.byteLength / 2));
      const headers = new Headers(normal.headers);
      headers.delete('content-range');
      headers.set('content-length', String(half.byteLength));
      return new Response(half, { status: 200, headers });
    }
    case 'cut-off': {
      const normal = await ctx.answer();
      const bytes = new Uint8Array(await normal.arrayBuffer());
      const half = bytes.slice(0, Math.floor(bytes.byteLength / 2));
      // The first half goes out; asked for more, the body fails, and the server drops the
      // connection, as a host that dies mid-transfer does.
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(half),
        pull: (controller) => controller.error(new SimulatorReset()),
      });
      return new Response(body, { status: normal.status, headers: normal.headers });
    }
    case 'resp-data-not-json': {
      const id = ctx.taskId ?? '';
      const task = ctx.state.tasks.get(id) ?? createTask({ id }, { now: at, durationMs: 0 });
      const data = {
        ...doneData(task, ctx.state, ctx.origin, at),
        resp_data: FIXTURE_RESP_DATA_NOT_JSON,
      };
      return jsonResponse(successBody(data, at));
    }
    case 'code':
      return businessError(
        fault.code,
        fault.status ?? statusForCode(fault.code),
        at,
        fault.message,
      );
    case 'delay':
      await sleep(fault.ms, ctx.request.signal);
      return ctx.answer();
  }
}
