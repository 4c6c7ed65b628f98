import type { Clock } from '../../src/index.ts';

export interface ProgressReporterOptions {
  clock: Clock;
  /** Fewest milliseconds between two edits (Discord publishes no edit rate: stay polite). */
  minIntervalMs: number;
  /** The text the reply should show now. */
  render: () => string;
  /** Edits the reply; resolves false once editing is no longer possible (the token died). */
  send: (text: string) => Promise<boolean>;
}

export interface ProgressReporter {
  /** Something may have changed: edit if the text differs, now or when the interval allows. */
  update(): void;
  /** Stops for good, after the edit in flight (if any) has landed, so a final answer comes last. */
  close(): Promise<void>;
}

/**
 * Edits a reply only when its text changes and at most once per `minIntervalMs`. It also
 * re-renders on that interval so the elapsed time moves while nothing else does.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { clock, minIntervalMs, render, send } = options;
  const stop = new AbortController();
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let timerSet = false;
  let closed = false;

  const flush = () => {
    if (closed || inFlight) return;
    const text = render();
    if (text === lastText) return;
    const wait = lastAt + minIntervalMs - clock.now();
    if (wait > 0) return schedule(wait);
    lastText = text;
    lastAt = clock.now();
    inFlight = send(text).then(
      (alive) => {
        inFlight = undefined;
        if (!alive) closed = true;
        else flush();
      },
      () => {
        // A failed edit is not worth a retry storm: the next change tries again.
        inFlight = undefined;
      },
    );
  };

  const schedule = (ms: number) => {
    if (timerSet) return;
    timerSet = true;
    clock.sleep(ms, stop.signal).then(
      () => {
        timerSet = false;
        flush();
      },
      () => {},
    );
  };

  const tick = () => {
    if (closed) return;
    clock.sleep(minIntervalMs, stop.signal).then(
      () => {
        flush();
        tick();
      },
      () => {},
    );
  };
  tick();

  return {
    update: flush,
    async close() {
      closed = true;
      stop.abort();
      await inFlight;
    },
  };
}
