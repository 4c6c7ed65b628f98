import type { Task } from '../../src/index.ts';
import type { Env } from '../env.ts';
import type { Settings } from '../settings.ts';
import type { Upstream } from '../upstream.ts';
import type { WireError } from './follower-update.ts';
import type { Job } from './job-store.ts';

/** What a follower knows, as its jobs see it. */
export interface FollowerView {
  taskId: string;
  /** The latest snapshot, if any query has answered yet. */
  task: Task | undefined;
  /** Why the latest query failed; undefined once one answers again. */
  error: WireError | undefined;
  /** When the latest query answered (or failed): a new value is news. */
  polledAt: number | undefined;
  /** Whether the video is in R2 (the archive job finished). */
  archived: boolean;
  /** Jobs of `kind` not finished yet. */
  pending(kind: string): number;
}

export interface JobContext<Data> {
  job: Job<Data>;
  view: FollowerView;
  /** When the attempt started. */
  now: number;
  env: Env;
  settings: Settings;
  upstream: Upstream;
  /**
   * Stores `data` at once, before the attempt ends: what must survive a crash mid-attempt
   * (the exact body to send again, a "final message posted" marker).
   */
  save(data: Data): void;
}

/**
 * How an attempt ended. `retry` runs it again at `at` (with `refresh`, the follower queries the
 * task first, for a fresh video link); `wait` puts it back to waiting for the next change of
 * state (a progress message edited, more to come), or until `at` if that comes first (a
 * deadline of the job's own, which must not wait for a query); `done` and `drop` are final.
 */
export type JobOutcome<Data> =
  | { status: 'done'; data?: Data }
  | { status: 'retry'; at: number; error: string; data?: Data; refresh?: boolean }
  | { status: 'wait'; data?: Data; at?: number | undefined }
  | {
      status: 'drop';
      error: string;
      /** Not a failure: nothing is left to do (not logged). */
      expected?: true;
    };

/**
 * A kind of durable job. The follower stores each job (id, data, attempts, next attempt), makes
 * a waiting job due once `ready` says so, and runs due ones from its alarm, at least once:
 * an attempt may run again after a crash, so it must be safe to repeat (check, then act; mark
 * what is done with `save` before doing what follows).
 */
export interface JobKind<Data = unknown> {
  /** Stored with every job: never rename one that may be in storage. */
  readonly name: string;
  /** Whether a waiting job can run now; asked after every change of the follower's view. */
  ready(job: Job<Data>, view: FollowerView): boolean;
  /** A job this kind starts by itself for a view (the archive, once `done`), or undefined. */
  spawn?(view: FollowerView, env: Env): { id: string; data: Data } | undefined;
  attempt(context: JobContext<Data>): Promise<JobOutcome<Data>>;
}
