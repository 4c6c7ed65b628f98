import {
  type JimengError,
  TaskExpiredError,
  TaskFailedError,
  TaskNotFoundError,
} from './errors.ts';
import type { Task } from './task.ts';

/**
 * The error a terminal status other than `done` stands for, or undefined. One place for the
 * words: the wait, the edge's routes and the bot's replies all say the same thing.
 */
export function terminalTaskError(
  task: Pick<Task, 'id' | 'status' | 'requestId'>,
): JimengError | undefined {
  const details = { taskId: task.id, requestId: task.requestId ?? undefined };
  switch (task.status) {
    case 'failed':
      return new TaskFailedError(
        `Task ${task.id} failed on the provider's side. Submit it again, perhaps with another prompt.`,
        details,
      );
    case 'not_found':
      return new TaskNotFoundError(
        `Task ${task.id} does not exist, or is older than 12 hours (the provider forgets tasks after that). Check the id.`,
        details,
      );
    case 'expired':
      return new TaskExpiredError(
        `Task ${task.id} has expired on the provider's side. Submit it again.`,
        details,
      );
    default:
      return undefined;
  }
}
