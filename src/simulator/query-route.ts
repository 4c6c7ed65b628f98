import { businessError, jsonResponse, successBody } from './envelope.ts';
import { respDataFor } from './resp-data.ts';
import { isForgotten, phaseAt, type SimTask } from './sim-task.ts';
import type { SimState } from './state.ts';
import { videoUrlFor } from './video-url.ts';

export interface TaskData {
  status: string;
  resp_data: string;
  video_url: string;
  image_urls: string[] | null;
  binary_data_base64: string[];
}

/** Unknown ids, and tasks older than 12 hours, are not errors upstream: code 10000, not_found. */
const NOT_FOUND: TaskData = {
  status: 'not_found',
  resp_data: '',
  video_url: '',
  image_urls: null,
  binary_data_base64: [],
};

/** `data` of a done task: a fresh signed link per query, as the provider's CDN gives. */
export function doneData(task: SimTask, state: SimState, origin: string, at: number): TaskData {
  return {
    status: 'done',
    resp_data: respDataFor(task),
    video_url: videoUrlFor(state, origin, task.id, at),
    image_urls: task.imageUrls,
    binary_data_base64: [],
  };
}

/** `GET /task/:id`: the task's state at `now()`, in the provider's envelope. */
export function answerQuery(state: SimState, taskId: string, origin: string): Response {
  const at = state.now();
  const task = state.tasks.get(taskId);
  if (!task || isForgotten(task, at)) return jsonResponse(successBody(NOT_FOUND, at));
  const phase = phaseAt(task, at);
  if (phase.phase === 'finished' && phase.outcome === 'moderation') {
    return businessError(50511, 400, at);
  }
  if (phase.phase === 'finished' && phase.outcome === 'done') {
    return jsonResponse(successBody(doneData(task, state, origin, at), at));
  }
  const status =
    phase.phase === 'running'
      ? phase.status
      : typeof phase.outcome === 'string'
        ? phase.outcome
        : phase.outcome.status;
  // Until a task is done its link and resp_data are empty strings.
  const data: TaskData = { ...NOT_FOUND, status, image_urls: task.imageUrls };
  return jsonResponse(successBody(data, at));
}
