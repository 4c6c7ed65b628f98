import type { EdgeTask } from './edge-task.ts';

/**
 * The fields of a task the edge decides on without the rest: whether it is settled, how long
 * it may be cached, which error it stands for, and the cache's key.
 */
export type TaskHead = Pick<
  EdgeTask,
  'id' | 'status' | 'archived' | 'checkedAt' | 'videoUrlExpiresAt' | 'requestId'
>;

export function headOf(task: EdgeTask): TaskHead {
  const { id, status, archived, checkedAt, videoUrlExpiresAt, requestId } = task;
  return { id, status, archived, checkedAt, videoUrlExpiresAt, requestId };
}

/**
 * A task rendered once: its JSON exactly as `GET /task/:id` answers it (token scrubbed) and its
 * head. A follower renders each state once for all its watchers, and each of them writes the
 * text as it is: a thousand watchers cost one `JSON.stringify`, not a parse and two renders
 * each. The task itself is parsed from the text only by a caller that asks for it.
 */
export class RenderedTask {
  readonly head: TaskHead;
  readonly json: string;
  #task: EdgeTask | undefined;

  constructor(head: TaskHead, json: string, task?: EdgeTask) {
    this.head = head;
    this.json = json;
    this.#task = task;
  }

  get task(): EdgeTask {
    this.#task ??= JSON.parse(this.json) as EdgeTask;
    return this.#task;
  }
}

/** `redact` scrubs the upstream token: `raw` is the provider's body, which we do not control. */
export function renderTask(task: EdgeTask, redact: (text: string) => string): RenderedTask {
  return new RenderedTask(headOf(task), redact(JSON.stringify(task)), task);
}
