import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Task } from '../../src/index.ts';
import type { ErrorAnswer } from '../errors.ts';
import type { StoredVideoInfo } from '../video-store.ts';
import { type WatchState, type WatchWords, watchWords } from './watch-words.ts';

/**
 * What the watch page knows about a task: never the provider's link, its raw body or its
 * token, because anyone holding the share link reads it (the page, its events, the unfurl).
 */
export interface WatchView extends StoredVideoInfo, WatchWords {
  id: string;
  state: WatchState;
  /** The prompt, or what stands for it while the provider has not told it yet. */
  title: string;
  /** `1280 × 720 · 5 s`, when known. */
  facts: string | null;
}

/** Whether the page can still change by itself: only these open the live stream. */
export const isRunning = (state: WatchState) => state === 'queued' || state === 'processing';

export function watchView(
  id: string,
  state: WatchState,
  info: Partial<StoredVideoInfo> = {},
): WatchView {
  const prompt = info.prompt?.trim() || null;
  const width = info.width ?? null;
  const height = info.height ?? null;
  const durationSeconds = info.durationSeconds ?? null;
  const facts = [
    width && height ? `${width} × ${height}` : '',
    durationSeconds ? `${Number(durationSeconds.toFixed(1))} s` : '',
  ].filter(Boolean);
  return {
    id,
    state,
    // The provider tells a task's prompt only once it is done.
    title: prompt ?? titleWithoutPrompt(state),
    prompt,
    width,
    height,
    durationSeconds,
    facts: facts.length > 0 ? facts.join(' · ') : null,
    ...watchWords[state],
  };
}

function titleWithoutPrompt(state: WatchState): string {
  if (isRunning(state)) return 'A video in the making';
  return state === 'no_link' ? 'Nothing here' : 'A Jimeng video';
}

const stateByStatus: Record<Task['status'], WatchState> = {
  queued: 'queued',
  processing: 'processing',
  // A status the provider has not documented: it is still going, as far as anyone can tell.
  unknown: 'processing',
  done: 'done',
  failed: 'failed',
  expired: 'expired',
  not_found: 'not_found',
};

/** The view of `task`, titled with `knownPrompt` while the provider tells none (see below). */
export function viewOfTask(task: Task, knownPrompt?: string): WatchView {
  const view = watchView(task.id, stateByStatus[task.status], task.params ?? {});
  return withKnownPrompt(view, knownPrompt);
}

/**
 * `view` with the prompt the edge was told at the submit (POST /tasks, `/jimeng create`), when
 * the provider's answer has none: it tells a task's prompt only once the task is done.
 */
export function withKnownPrompt(view: WatchView, prompt: string | undefined): WatchView {
  return view.prompt || !prompt?.trim()
    ? view
    : watchView(view.id, view.state, { ...view, prompt });
}

/** An error on the way to a task, as a page: its words, and the HTTP status of the answer. */
export function viewOfError(
  id: string,
  { status, body }: ErrorAnswer,
): { view: WatchView; status: ContentfulStatusCode } {
  const state: WatchState =
    body.error.code === 'task_not_found'
      ? 'not_found'
      : body.error.code === 'task_expired'
        ? 'expired'
        : body.error.code === 'video_expired'
          ? 'gone'
          : // A business refusal of the task itself (moderation): edge/errors.ts answers it 422.
            status === 422
            ? 'refused'
            : 'unavailable';
  return { view: watchView(id, state), status };
}

/** The HTTP status of a page in this state, when no error chose one. */
export function pageStatus(state: WatchState): ContentfulStatusCode {
  switch (state) {
    case 'not_found':
    case 'no_link':
      return 404;
    case 'expired':
    case 'gone':
      return 410;
    case 'refused':
      return 422;
    default:
      return 200;
  }
}
