import { MAX_PROMPT_LENGTH, type Task } from '../../src/index.ts';
import type { WireError } from './follower-update.ts';

/** What a follower knows about its task; one row per object, since an object follows one task. */
export interface Follow {
  taskId: string;
  /** When following began: the poll schedule grows with the time since. */
  startedAt: number;
  /** When the task was submitted, if it was submitted through this edge (POST /tasks, Discord). */
  submittedAt: number | undefined;
  /**
   * The prompt it was submitted with, when submitted here: the provider tells a task's prompt
   * only once it is done, and the watch page wants it as its title before.
   */
  prompt: string | undefined;
  /** The last time a caller asked (a watcher coming or going, a subscription, a submit). */
  askedAt: number;
  /** The latest snapshot. */
  task: Task | undefined;
  /** Why the latest query failed; cleared by the next answer. */
  error: WireError | undefined;
  polledAt: number | undefined;
  /** When the next query is due; undefined while no query is planned. */
  nextPollAt: number | undefined;
  /** A job wants a fresh snapshot even though the task is settled (a new video link). */
  refresh: boolean;
}

interface FollowRow extends Record<string, SqlStorageValue> {
  task_id: string;
  started_at: number;
  submitted_at: number | null;
  prompt: string | null;
  asked_at: number;
  task: string | null;
  error: string | null;
  polled_at: number | null;
  next_poll_at: number | null;
  refresh: number;
}

const FOLLOW_SCHEMA = `CREATE TABLE IF NOT EXISTS follow (
  task_id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  asked_at INTEGER NOT NULL,
  task TEXT,
  error TEXT,
  polled_at INTEGER,
  next_poll_at INTEGER,
  refresh INTEGER NOT NULL DEFAULT 0,
  submitted_at INTEGER,
  prompt TEXT
)`;

/** Creates the table, or brings one stored by an older version up to date. */
export function migrateFollow(sql: SqlStorage): void {
  sql.exec(FOLLOW_SCHEMA);
  const columns = sql.exec('SELECT * FROM follow LIMIT 0').columnNames;
  if (!columns.includes('submitted_at')) {
    sql.exec('ALTER TABLE follow ADD COLUMN submitted_at INTEGER');
  }
  if (!columns.includes('prompt')) sql.exec('ALTER TABLE follow ADD COLUMN prompt TEXT');
}

/** The follower's task and poll schedule in its SQLite storage. Every write is one statement. */
export class FollowStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  read(): Follow | undefined {
    const [row] = this.#sql.exec<FollowRow>('SELECT * FROM follow LIMIT 1').toArray();
    if (!row) return undefined;
    return {
      taskId: row.task_id,
      startedAt: row.started_at,
      submittedAt: row.submitted_at ?? undefined,
      prompt: row.prompt ?? undefined,
      askedAt: row.asked_at,
      task: row.task === null ? undefined : (JSON.parse(row.task) as Task),
      error: row.error === null ? undefined : (JSON.parse(row.error) as WireError),
      polledAt: row.polled_at ?? undefined,
      nextPollAt: row.next_poll_at ?? undefined,
      refresh: row.refresh === 1,
    };
  }

  /** The follow of `taskId`, started now if there was none; a caller asked at `now`. */
  begin(taskId: string, now: number): Follow {
    const existing = this.read();
    if (existing && existing.taskId !== taskId) {
      // idFromName(taskId) makes this impossible unless a caller mixed up ids.
      throw new Error('this follower belongs to another task');
    }
    if (existing) {
      this.#sql.exec('UPDATE follow SET asked_at = ?', now);
      return { ...existing, askedAt: now };
    }
    this.#sql.exec(
      'INSERT INTO follow (task_id, started_at, asked_at) VALUES (?, ?, ?)',
      taskId,
      now,
      now,
    );
    return this.read() as Follow;
  }

  /**
   * The task was submitted at `at`, with `prompt`: the earliest such moment is kept, and the
   * first prompt told. A prompt longer than the provider takes is cut: this is an RPC's
   * argument, not a checked request.
   */
  submitted(at: number, prompt?: string): void {
    const kept = prompt?.trim() ? [...prompt.trim()].slice(0, MAX_PROMPT_LENGTH).join('') : null;
    this.#sql.exec(
      'UPDATE follow SET submitted_at = MIN(COALESCE(submitted_at, ?), ?), prompt = COALESCE(prompt, ?)',
      at,
      at,
      kept,
    );
  }

  asked(now: number): void {
    this.#sql.exec('UPDATE follow SET asked_at = ?', now);
  }

  saveTask(task: Task, now: number): void {
    this.#sql.exec(
      'UPDATE follow SET task = ?, error = NULL, polled_at = ?, refresh = 0',
      JSON.stringify(task),
      now,
    );
  }

  saveError(error: WireError, now: number): void {
    this.#sql.exec(
      'UPDATE follow SET error = ?, polled_at = ?, refresh = 0',
      JSON.stringify(error),
      now,
    );
  }

  /** Plans the next query at `at`, or none. */
  planPoll(at: number | undefined): void {
    this.#sql.exec('UPDATE follow SET next_poll_at = ?', at ?? null);
  }

  /** A query as soon as possible, whatever the task's state. */
  requestRefresh(now: number): void {
    this.#sql.exec('UPDATE follow SET refresh = 1, next_poll_at = ?', now);
  }
}
