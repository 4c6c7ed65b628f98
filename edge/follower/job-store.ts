/**
 * `waiting`: for a state of the task (a webhook waits for the end), or until `nextAt` when it
 * has one. `due`: to be attempted at `nextAt`. `done` and `dropped` are final and kept, so a
 * repeated alarm finds them finished.
 */
export type JobState = 'waiting' | 'due' | 'done' | 'dropped';

/** A durable, at-least-once piece of work a follower runs for its task. */
export interface Job<Data = unknown> {
  /** Stable for the job's whole life: a webhook's `webhook-id`. */
  id: string;
  kind: string;
  data: Data;
  state: JobState;
  /** Attempts started so far (counted before each attempt runs). */
  attempts: number;
  nextAt: number | undefined;
  createdAt: number;
  finishedAt: number | undefined;
  lastError: string | undefined;
}

interface JobRow extends Record<string, SqlStorageValue> {
  id: string;
  kind: string;
  data: string;
  state: JobState;
  attempts: number;
  next_at: number | null;
  created_at: number;
  finished_at: number | null;
  last_error: string | null;
}

export const JOB_SCHEMA = `CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  last_error TEXT
)`;

const PENDING = "state IN ('waiting', 'due')";

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    data: JSON.parse(row.data) as unknown,
    state: row.state,
    attempts: row.attempts,
    nextAt: row.next_at ?? undefined,
    createdAt: row.created_at,
    finishedAt: row.finished_at ?? undefined,
    lastError: row.last_error ?? undefined,
  };
}

/** The follower's jobs in its SQLite storage, whatever their kind. */
export class JobStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Adds a waiting job; false when one with this id exists already (then nothing changes). */
  add(job: { id: string; kind: string; data: unknown }, now: number): boolean {
    // SQL runs synchronously in a Durable Object: nothing can come between the check and the insert.
    if (this.get(job.id)) return false;
    this.#sql.exec(
      "INSERT INTO jobs (id, kind, data, state, created_at) VALUES (?, ?, ?, 'waiting', ?)",
      job.id,
      job.kind,
      JSON.stringify(job.data),
      now,
    );
    return true;
  }

  get(id: string): Job | undefined {
    const [row] = this.#sql.exec<JobRow>('SELECT * FROM jobs WHERE id = ?', id).toArray();
    return row && toJob(row);
  }

  list(kind: string): Job[] {
    return this.#sql
      .exec<JobRow>('SELECT * FROM jobs WHERE kind = ? ORDER BY created_at, id', kind)
      .toArray()
      .map(toJob);
  }

  waiting(): Job[] {
    return this.#sql
      .exec<JobRow>("SELECT * FROM jobs WHERE state = 'waiting' ORDER BY created_at, id")
      .toArray()
      .map(toJob);
  }

  /** Jobs due by `now` (waiting ones whose time has come too), earliest first. */
  due(now: number, limit: number): Job[] {
    return this.#sql
      .exec<JobRow>(
        `SELECT * FROM jobs WHERE ${PENDING} AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
        now,
        limit,
      )
      .toArray()
      .map(toJob);
  }

  nextDueAt(): number | undefined {
    const [row] = this.#sql
      .exec<{ at: number | null }>(`SELECT MIN(next_at) AS at FROM jobs WHERE ${PENDING}`)
      .toArray();
    return row?.at ?? undefined;
  }

  /** Jobs not finished yet, of one kind or of all. */
  pending(kind?: string): number {
    const [row] = (
      kind === undefined
        ? this.#sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${PENDING}`)
        : this.#sql.exec<{ n: number }>(
            `SELECT COUNT(*) AS n FROM jobs WHERE kind = ? AND ${PENDING}`,
            kind,
          )
    ).toArray();
    return row?.n ?? 0;
  }

  lastFinishedAt(): number | undefined {
    const [row] = this.#sql
      .exec<{ at: number | null }>('SELECT MAX(finished_at) AS at FROM jobs')
      .toArray();
    return row?.at ?? undefined;
  }

  /** Counted before the attempt runs, so an attempt that never returns still counts. */
  started(id: string): number {
    this.#sql.exec('UPDATE jobs SET attempts = attempts + 1 WHERE id = ?', id);
    return this.get(id)?.attempts ?? 0;
  }

  save(id: string, data: unknown): void {
    this.#sql.exec('UPDATE jobs SET data = ? WHERE id = ?', JSON.stringify(data), id);
  }

  makeDue(id: string, at: number): void {
    this.#sql.exec("UPDATE jobs SET state = 'due', next_at = ? WHERE id = ?", at, id);
  }

  retry(id: string, at: number, error: string): void {
    this.#sql.exec(
      "UPDATE jobs SET state = 'due', next_at = ?, last_error = ? WHERE id = ?",
      at,
      error,
      id,
    );
  }

  /** Waits for the next change of state, or until `at` if that comes first. */
  wait(id: string, at?: number): void {
    this.#sql.exec("UPDATE jobs SET state = 'waiting', next_at = ? WHERE id = ?", at ?? null, id);
  }

  finish(id: string, state: 'done' | 'dropped', now: number, error?: string): void {
    this.#sql.exec(
      'UPDATE jobs SET state = ?, next_at = NULL, finished_at = ?, last_error = COALESCE(?, last_error) WHERE id = ?',
      state,
      now,
      error ?? null,
      id,
    );
  }
}
