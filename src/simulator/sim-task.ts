import { DEFAULT_ASPECT_RATIO } from './aspect-ratio.ts';
import { randomHex } from './random-hex.ts';
import { newTaskId } from './task-id.ts';

export type TaskOutcome =
  | 'done'
  | 'failed'
  | 'not_found'
  | 'expired'
  // The query answers code 50511 (output failed moderation), HTTP 400, data null, once due.
  | 'moderation'
  // Any raw upstream status string, to check that unknown statuses do not break a client.
  | { status: string };

export interface TaskInit {
  id?: string;
  prompt?: string;
  durationMs?: number;
  /** The final state, reached `durationMs` after `createdAt`. Default 'done'. */
  outcome?: TaskOutcome;
  createdAt?: number;
  aspectRatio?: string;
  seed?: number;
  imageUrls?: string[];
}

/** A task as the simulator keeps it: everything needed to answer a query at any time. */
export interface SimTask {
  id: string;
  prompt: string;
  durationMs: number;
  outcome: TaskOutcome;
  createdAt: number;
  aspectRatio: string;
  seed: number;
  imageUrls: string[] | null;
  reqKey: string;
  /** The provider's internal 64-hex id inside resp_data, distinct from the task id. */
  innerRequestId: string;
  /** A verbatim resp_data, for the fixture task. */
  respData?: string;
  /** The fixture task: the page's example stays queryable past the provider's 12 hours. */
  keptForever?: boolean;
}

export function createTask(init: TaskInit, defaults: { now: number; durationMs: number }): SimTask {
  const imageUrls = init.imageUrls?.length ? [...init.imageUrls] : null;
  return {
    id: init.id ?? newTaskId(),
    prompt: init.prompt ?? 'A simulated cat walks across a simulated street.',
    durationMs: init.durationMs ?? defaults.durationMs,
    outcome: init.outcome ?? 'done',
    createdAt: init.createdAt ?? defaults.now,
    aspectRatio: init.aspectRatio ?? DEFAULT_ASPECT_RATIO,
    // -1 asks the provider for a random seed; resp_data then shows the one it picked.
    seed: init.seed === undefined || init.seed === -1 ? randomSeed() : init.seed,
    imageUrls,
    reqKey: imageUrls ? 'vgfm_i2v_l20' : 'vgfm_t2v_l20',
    innerRequestId: randomHex(64),
  };
}

function randomSeed(): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return value >>> 1;
}

/** The provider forgets a task this long after its submit: it then answers `not_found`. */
const FORGOTTEN_AFTER_MS = 12 * 60 * 60 * 1000;

/** Whether the provider has forgotten `task` by `now`. */
export function isForgotten(task: SimTask, now: number): boolean {
  return !task.keptForever && now - task.createdAt >= FORGOTTEN_AFTER_MS;
}

/**
 * Keeps `task` and drops the tasks the provider has forgotten, so a simulator left running
 * (`npm start`) holds half a day of submits, not every submit ever. Tasks arrive in about
 * submit order, so the sweep stops at the first one still remembered.
 */
export function rememberTask(tasks: Map<string, SimTask>, task: SimTask, now: number): void {
  for (const [id, old] of tasks) {
    if (old.keptForever) continue;
    if (!isForgotten(old, now)) break;
    tasks.delete(id);
  }
  tasks.set(task.id, task);
}

/** Share of a task's life spent `in_queue` before it turns `generating`. */
const QUEUE_SHARE = 0.2;

export type TaskPhase =
  | { phase: 'running'; status: 'in_queue' | 'generating' }
  | { phase: 'finished'; outcome: TaskOutcome };

/** Where a task stands at `now`: computed, never stored, so a fake clock drives it. */
export function phaseAt(task: SimTask, now: number): TaskPhase {
  const elapsed = now - task.createdAt;
  if (elapsed >= task.durationMs) return { phase: 'finished', outcome: task.outcome };
  return {
    phase: 'running',
    status: elapsed < task.durationMs * QUEUE_SHARE ? 'in_queue' : 'generating',
  };
}
