import { formatDuration } from '../deadline.ts';
import type { Task } from '../task.ts';

const words: Record<Task['status'], string> = {
  queued: 'queued',
  processing: 'generating',
  done: 'done',
  failed: 'failed',
  not_found: 'not found',
  expired: 'expired',
  unknown: 'in an unknown state',
};

export interface StatusOutput {
  write(text: string): void;
  isTTY: boolean;
}

/**
 * Progress on stderr: one live line redrawn on a terminal, plain lines (one per change) in a
 * pipe or a CI log, where carriage returns would only make a mess.
 */
export function createStatusLine(out: StatusOutput, now: () => number) {
  const startedAt = now();
  let last = '';
  let live = false;
  // A status can hold for minutes: without a tick the live line's elapsed time would freeze
  // and look hung. Unref'd, so it never keeps the process alive.
  let ticker: ReturnType<typeof setInterval> | undefined;
  const draw = () => out.write(`\r\x1b[2K${last} · ${formatDuration(now() - startedAt)}`);
  return {
    task(task: Task) {
      const upstream =
        task.upstreamStatus && task.status === 'unknown' ? ` (${task.upstreamStatus})` : '';
      const text = `task ${task.id}: ${words[task.status]}${upstream}`;
      this.show(text);
    },
    show(text: string) {
      const changed = text !== last;
      last = text;
      if (out.isTTY) {
        draw();
        live = true;
        ticker ??= setInterval(draw, 1000);
        ticker.unref?.();
      } else if (changed) {
        out.write(`${text} · ${formatDuration(now() - startedAt)}\n`);
      }
    },
    /** Ends a live line so the next output starts on a fresh one. */
    end() {
      clearInterval(ticker);
      ticker = undefined;
      if (live) out.write('\n');
      live = false;
    },
  };
}
