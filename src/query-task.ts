import * as v from 'valibot';
import type { ClientContext } from './client-context.ts';
import { responseContext } from './client-context.ts';
import type { Deadline } from './deadline.ts';
import { UpstreamError } from './errors.ts';
import { type Task, toTask } from './task.ts';
import { taskPath } from './task-id.ts';
import { readEnvelope } from './upstream-response.ts';
import { UpstreamTaskDataSchema } from './upstream-schema.ts';
import { withRetries } from './with-retries.ts';

/** One query of `GET /task/{id}` under a deadline, retried while that is safe and worthwhile. */
export function queryTask(
  context: ClientContext,
  id: string,
  deadline: Deadline,
  timeoutMs: number | undefined,
): Promise<Task> {
  const { clock, policy, transport } = context;
  const action = `querying task ${id}`;
  const path = taskPath(id);
  return withRetries(
    async (signal) => {
      const queriedAt = clock.now();
      const response = await transport.send({ method: 'GET', path, signal });
      const { envelope, json, requestId } = readEnvelope(
        response,
        responseContext(context, action, id),
      );
      const data = v.safeParse(UpstreamTaskDataSchema, envelope.data);
      if (!data.success) {
        throw new UpstreamError(
          `The provider reported success but sent no task data while ${action}.`,
          {
            taskId: id,
            requestId,
            httpStatus: response.status,
            retryable: true,
          },
        );
      }
      return toTask(id, data.output, requestId ?? null, json, queriedAt);
    },
    { clock, deadline, policy, action, taskId: id, timeoutMs },
  );
}
