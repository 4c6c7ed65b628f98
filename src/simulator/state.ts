import type { SimTask } from './sim-task.ts';

/** What every route reads: the resolved options and the tasks the simulator knows. */
export interface SimState {
  readonly token: string;
  readonly durationMs: number;
  readonly urlTtlMs: number;
  /** Keys the video links' signatures: drawn per simulator, so a link opens only where it was made. */
  readonly urlSecret: string;
  readonly now: () => number;
  readonly video: Uint8Array;
  readonly tasks: Map<string, SimTask>;
}
