import type { Task } from '../src/index.ts';

/**
 * A task as the edge shows it (GET, ?wait, events, webhooks): the core's Task, plus whether its
 * video is kept in R2, so a caller knows `/video` will work after the provider's link dies.
 */
export interface EdgeTask extends Task {
  archived: boolean;
}

export function edgeTask(task: Task, archived: boolean): EdgeTask {
  return { ...task, archived };
}
