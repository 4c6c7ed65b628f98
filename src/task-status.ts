export type TaskStatus =
  | 'queued'
  | 'processing'
  | 'done'
  | 'failed'
  | 'not_found'
  | 'expired'
  | 'unknown';

const statusByUpstream: Record<string, TaskStatus> = {
  in_queue: 'queued',
  processing: 'processing',
  generating: 'processing',
  done: 'done',
  failed: 'failed',
  not_found: 'not_found',
  expired: 'expired',
};

/** Only called once `code` is known to be 10000: `done` means nothing under any other code. */
export function normaliseStatus(upstream: string | null | undefined): TaskStatus {
  if (!upstream) return 'unknown';
  return Object.hasOwn(statusByUpstream, upstream)
    ? (statusByUpstream[upstream] ?? 'unknown')
    : 'unknown';
}

/** States after which asking again will not change the answer. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'not_found' || status === 'expired';
}
