/**
 * A running task's clock on its watch page. The provider tells no task's start, so it counts
 * from what this edge knows, and says which: the submit, when the task was submitted here (POST
 * /tasks, `/jimeng create`), else the moment the edge first followed it. `elapsedMs` is taken
 * on the server's clock; the page counts on from it, whatever the reader's clock says.
 */
export interface WatchClock {
  elapsedMs: number;
  from: 'submit' | 'first_seen';
}

export const clockWords: Record<WatchClock['from'], string> = {
  submit: 'since submitted',
  first_seen: 'since first seen',
};

/** `m:ss`, as the page's script writes it too. */
export function clockText(elapsedMs: number): string {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
