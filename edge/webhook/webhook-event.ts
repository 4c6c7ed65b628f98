import type { EdgeTask } from '../edge-task.ts';

export type WebhookEventType = 'task.done' | 'task.failed' | 'task.not_found' | 'task.expired';

/** What a webhook POSTs: the event's type, when it was sent first, and the task as GET shows it. */
export interface WebhookEvent {
  type: WebhookEventType;
  timestamp: string;
  data: EdgeTask;
}

const typeByStatus: Partial<Record<EdgeTask['status'], WebhookEventType>> = {
  done: 'task.done',
  failed: 'task.failed',
  not_found: 'task.not_found',
  expired: 'task.expired',
};

/** The event for a task that has ended, or undefined while it runs. */
export function webhookEvent(task: EdgeTask, now: number): WebhookEvent | undefined {
  const type = typeByStatus[task.status];
  return type && { type, timestamp: new Date(now).toISOString(), data: task };
}
