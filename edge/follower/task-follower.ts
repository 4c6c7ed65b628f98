import { DurableObject } from 'cloudflare:workers';
import {
  assertTaskId,
  DEFAULT_MAX_INTERVAL_MS,
  isTerminalStatus,
  pollDelayMs,
  type Task,
} from '../../src/index.ts';
import { cacheSeconds } from '../cache-policy.ts';
import { discordJob, discordJobId } from '../discord/discord-job.ts';
import type { InteractionJob } from '../discord/interaction-job.ts';
import { type EdgeTask, edgeTask } from '../edge-task.ts';
import type { Env } from '../env.ts';
import { logUnexpected } from '../log-unexpected.ts';
import { type RenderedTask, renderTask } from '../rendered-task.ts';
import { readSettings, type Settings } from '../settings.ts';
import { type Upstream, upstreamFor } from '../upstream.ts';
import { ARCHIVE_JOB_ID, archiveJob } from './archive-job.ts';
import { type Follow, FollowStore, migrateFollow } from './follow-store.ts';
import { type FollowerUpdate, toWireError } from './follower-update.ts';
import type { FollowerView, JobOutcome } from './job-kind.ts';
import { jobKinds } from './job-kinds.ts';
import { JOB_SCHEMA, type Job, JobStore } from './job-store.ts';
import { Watchers } from './watchers.ts';
import {
  MAX_WEBHOOKS_PER_TASK,
  newWebhookId,
  type WebhookData,
  webhookJob,
} from './webhook-job.ts';

/** The provider forgets a task 12 hours after its submit: following it longer is pointless. */
const MAX_FOLLOW_MS = 13 * 60 * 60 * 1000;
/**
 * A cleanup held back by a watcher or a waiting job is looked at again this much later: each
 * new request arms the alarm anew anyway, and an alarm every millisecond would cost a fortune.
 */
const CLEANUP_RECHECK_MS = 60 * 60 * 1000;
/** Job attempts one alarm runs at most: one invocation stays far below 50 subrequests. */
const MAX_ATTEMPTS_PER_ALARM = 12;
/** Waits after an attempt that threw instead of returning an outcome; then the job is dropped. */
const FAILED_ATTEMPT_DELAYS_MS = [2_000, 30_000, 300_000, 3_600_000];

export type SubscribeResult =
  | { id: string; created: boolean }
  | { refused: 'limit' }
  /** The task as JSON: `raw` is the provider's own body, which RPC's types cannot describe. */
  | { refused: 'not_found'; task: string };

/**
 * An end the provider answered with (`done`, `failed`): kept when the provider later forgets
 * the task, since its `not_found` then says nothing new about it.
 */
const isSeenEnd = (task: Task) => task.status === 'done' || task.status === 'failed';

/** What `POST /tasks` tells the follower of the task it has just submitted. */
export interface Submit {
  webhookUrl?: string | undefined;
  prompt?: string | undefined;
}

/** Since when a task's time counts, from which event, and its prompt if the edge was told it. */
export interface TaskOrigin {
  at: number;
  submitted: boolean;
  prompt: string | undefined;
}

/**
 * One Durable Object per task id (`idFromName(id)`) follows that task for every caller: it
 * polls the provider with alarms on the core's schedule (one query per alarm), keeps the
 * latest snapshot in SQLite, streams each answer to the watchers connected now (`?wait`,
 * `/events`), and runs durable jobs once the task reaches a state: the R2 copy on `done`,
 * webhooks at the end. It stops polling at a terminal state, or when nobody has asked for
 * EDGE_FOLLOW_IDLE_MS and no job is pending.
 *
 * Alarms are delivered at least once: every step checks storage before acting (a query only
 * when one is due, a job only while it is not finished), so running `runDue` again changes
 * nothing that is already done.
 */
export class TaskFollower extends DurableObject<Env> {
  readonly #follows: FollowStore;
  readonly #jobs: JobStore;
  readonly #watchers = new Watchers();
  /** The query in flight: everything that wants one now joins it. */
  #polling: Promise<void> | undefined;
  #jobRun: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#migrate();
    this.#follows = new FollowStore(ctx.storage.sql);
    this.#jobs = new JobStore(ctx.storage.sql);
  }

  /**
   * `GET /watch?id=<task id>`: FollowerUpdates, one per line (`updateLine`), from the state
   * known now (or, with none, the answer of a query made at once) until the first terminal
   * state, after which the stream ends, or until the caller aborts.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/watch') return new Response(null, { status: 404 });
    const now = Date.now();
    const follow = this.#follows.begin(assertTaskId(url.searchParams.get('id')), now);
    const watcher = this.#watchers.add(request.signal ?? undefined, () => this.#left());
    const { task, error, polledAt, nextPollAt } = follow;
    if (task && (!isTerminalStatus(task.status) || cacheSeconds(task, now) > 0)) {
      watcher.send({ type: 'task', task: this.#render(task), polled: false });
      if (isTerminalStatus(task.status)) watcher.close();
      else if (nextPollAt === undefined) {
        // An idle follower: its state may be old, so it asks at once.
        this.#poll().catch((error) => logUnexpected('follower: a query failed', error));
      }
    } else if (
      !task &&
      error &&
      nextPollAt !== undefined &&
      polledAt !== undefined &&
      now - polledAt < this.#settings().pollIntervalMs
    ) {
      watcher.send({ type: 'error', error, polled: false });
    } else {
      // Nothing known yet, or a settled state too old to trust (a dead video link).
      this.#poll().catch((error) => logUnexpected('follower: a query failed', error));
    }
    await this.#arm();
    return new Response(watcher.readable, {
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8' },
    });
  }

  /**
   * A task just submitted through the edge: its submit and prompt are noted (the watch page's
   * clock counts from it, its title is the prompt), and it is followed to its end when its
   * video is to be kept (VIDEOS) or a webhook waits for it.
   */
  async follow(taskId: string, submit: Submit = {}): Promise<{ webhookId?: string }> {
    const { webhookUrl, prompt } = submit;
    const now = Date.now();
    const follow = this.#follows.begin(assertTaskId(taskId), now);
    this.#follows.submitted(now, prompt);
    this.#keepVideo(now);
    const webhook = webhookUrl === undefined ? undefined : this.#addWebhook(webhookUrl, now);
    const keep = Boolean(this.env.VIDEOS) || webhook !== undefined;
    // The task was created a moment ago: its first query can wait one interval.
    if (keep && !follow.task && follow.nextPollAt === undefined && !this.#polling) {
      this.#follows.planPoll(now + this.#settings().pollIntervalMs);
    }
    this.#afterChange();
    await this.#arm();
    return webhook && 'id' in webhook ? { webhookId: webhook.id } : {};
  }

  /**
   * `POST /task/:id/webhooks`: one more webhook for this task, or the existing one for the
   * same URL. A task the provider does not know is refused (checked with one query when
   * nothing is known yet).
   */
  async subscribe(taskId: string, url: string): Promise<SubscribeResult> {
    const now = Date.now();
    const follow = this.#follows.begin(assertTaskId(taskId), now);
    if (!follow.task) await this.#poll();
    const known = this.#jobs
      .list(webhookJob.name)
      .find((job) => (job.data as WebhookData).url === url);
    const task = this.#follows.read()?.task;
    if (!known && task?.status === 'not_found') {
      return { refused: 'not_found', task: JSON.stringify(task) };
    }
    const result = this.#addWebhook(url, now);
    this.#resume(now);
    this.#afterChange();
    await this.#arm();
    return result;
  }

  /**
   * A Discord command following this task (`/jimeng result`, or a `/jimeng create` once
   * submitted): kept as a durable job, its reply driven by this follower's polls. Adding the
   * same interaction twice adds nothing.
   */
  async addDiscordJob(job: InteractionJob): Promise<void> {
    const now = Date.now();
    const follow = this.#follows.begin(assertTaskId(job.taskId), now);
    const task = follow.task;
    // A settled state too old to trust (a dead video link) is asked again, like a watcher's,
    // and the job waits for that answer rather than act on the old one.
    const stale =
      task !== undefined && isTerminalStatus(task.status) && cacheSeconds(task, now) <= 0;
    const data = stale ? { ...job, seenPollAt: follow.polledAt } : job;
    // A `/jimeng create` was submitted moments ago, for this command.
    if (job.kind === 'create') this.#follows.submitted(job.createdAt, job.create?.prompt);
    this.#jobs.add({ id: discordJobId(job), kind: discordJob.name, data }, now);
    if (stale) this.#follows.requestRefresh(now);
    else this.#resume(now);
    this.#afterChange();
    await this.#arm();
  }

  /** A done task that plain `GET` saw without an R2 copy: kept like any other. */
  async adopt(task: Task): Promise<void> {
    if (!this.env.VIDEOS || task.status !== 'done') return;
    const now = Date.now();
    const follow = this.#follows.begin(assertTaskId(task.id), now);
    if (!follow.task || !isTerminalStatus(follow.task.status)) {
      this.#follows.saveTask(task, now);
      this.#follows.planPoll(undefined);
    }
    this.#spawn();
    this.#afterChange();
    await this.#arm();
  }

  /**
   * A task someone was handed a share link to: with VIDEOS, followed to its end and its video
   * kept, so the link plays after the provider has forgotten the task even if nobody opened it
   * meanwhile. A task not known here yet is asked about at once: it may be done already.
   */
  async keep(taskId: string): Promise<void> {
    if (!this.env.VIDEOS) return;
    const now = Date.now();
    this.#follows.begin(assertTaskId(taskId), now);
    this.#keepVideo(now);
    this.#resume(now);
    this.#afterChange();
    await this.#arm();
  }

  /**
   * What this follower knows of the task's start: since when its time counts (its submit
   * through this edge, else when it was first followed here), and the prompt it was submitted
   * with here. Undefined when nobody has followed it. Reads only.
   */
  async origin(): Promise<TaskOrigin | undefined> {
    const follow = this.#follows.read();
    if (!follow) return undefined;
    const { submittedAt, startedAt, prompt } = follow;
    return submittedAt === undefined
      ? { at: startedAt, submitted: false, prompt }
      : { at: Math.min(submittedAt, startedAt), submitted: true, prompt };
  }

  /**
   * The end this follower saw (`done` or `failed`, with `archived`), for a caller the provider
   * now answers `not_found`: it forgets tasks after 12 hours, a follower keeps them a day
   * longer. Undefined when it saw no such end. Reads only.
   */
  async settled(): Promise<EdgeTask | undefined> {
    const task = this.#follows.read()?.task;
    return task && isSeenEnd(task) ? edgeTask(task, this.#archived()) : undefined;
  }

  override async alarm(): Promise<void> {
    await this.runDue();
  }

  /**
   * Does what is due now: the query if one is due and still wanted, then due job attempts,
   * then arms the next alarm. What the alarm runs; safe to run any number of times.
   */
  async runDue(): Promise<void> {
    const follow = this.#follows.read();
    if (!follow) return;
    try {
      const now = Date.now();
      if (this.#cleanupDue(follow, now)) return await this.#cleanup();
      if (follow.nextPollAt !== undefined && follow.nextPollAt <= now) {
        if (follow.refresh || this.#wantsPolling(follow, now)) await this.#poll();
        else this.#follows.planPoll(undefined);
      }
      this.#giveUpWaiting(follow, now);
      await this.#runJobs();
    } finally {
      await this.#arm();
    }
  }

  /**
   * The idle time counts from the last watcher's departure. Only that one is written down: a
   * thousand watchers leaving at the end would be a thousand writes, and every write holds the
   * object's next request out (the copy's, a webhook's) until it is stored. The others do not
   * even read storage: a read parses the stored task, a thousand times over at the end.
   */
  #left(): void {
    if (this.#watchers.size > 0) return;
    const task = this.#follows.read()?.task;
    if (task && isTerminalStatus(task.status)) return;
    this.#follows.asked(Date.now());
  }

  #settings(): Settings {
    return readSettings(this.env);
  }

  #upstream(): Upstream {
    return upstreamFor(this.#settings());
  }

  #migrate(): void {
    migrateFollow(this.ctx.storage.sql);
    this.ctx.storage.sql.exec(JOB_SCHEMA);
  }

  #view(follow = this.#follows.read()): FollowerView {
    return {
      taskId: follow?.taskId ?? '',
      task: follow?.task,
      error: follow?.error,
      polledAt: follow?.polledAt,
      archived: this.#archived(),
      pending: (kind) => this.#jobs.pending(kind),
    };
  }

  /** The task as the edge shows it, rendered once for every watcher it goes to. */
  #render(task: Task): RenderedTask {
    return renderTask(edgeTask(task, this.#archived()), this.#upstream().redact);
  }

  /** Whether the video is kept in R2: the copy has succeeded. */
  #archived(): boolean {
    return this.#jobs.get(ARCHIVE_JOB_ID)?.state === 'done';
  }

  #poll(): Promise<void> {
    this.#polling ??= this.#query().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  /** One query, its answer stored and sent to every watcher, the next one planned. */
  async #query(): Promise<void> {
    const follow = this.#follows.read();
    if (!follow) return;
    const { client, redact } = this.#upstream();
    let update: FollowerUpdate;
    let retryAfterMs = 0;
    try {
      const answer = await client.getTask(follow.taskId);
      // The provider forgets a task after 12 hours; the end seen here stays what it was.
      const seen = follow.task;
      const task = seen && isSeenEnd(seen) && answer.status === 'not_found' ? seen : answer;
      this.#follows.saveTask(task, Date.now());
      update = { type: 'task', task: this.#render(task), polled: true };
    } catch (error) {
      const wire = toWireError(error, follow.taskId, redact);
      this.#follows.saveError(wire, Date.now());
      retryAfterMs = wire.retryAfterMs ?? 0;
      update = { type: 'error', error: wire, polled: true };
    }
    this.#planNextPoll(retryAfterMs);
    this.#spawn();
    this.#wakeJobs();
    // The jobs this answer wakes (the copy on `done`) start before the watchers hear of it: a
    // job's first round trip would otherwise queue behind a thousand of them, and the `done`
    // webhooks wait for the copy.
    const jobs = this.#runJobs();
    this.#watchers.send(update);
    this.#afterChange();
    await this.#arm();
    await jobs;
  }

  /** The core's schedule: the first wait EDGE_POLL_INTERVAL_MS, then growing with the follow's age. */
  #planNextPoll(retryAfterMs: number): void {
    const follow = this.#follows.read();
    if (!follow) return;
    if (follow.task && isTerminalStatus(follow.task.status)) {
      this.#follows.planPoll(undefined);
      return;
    }
    const now = Date.now();
    const intervalMs = this.#settings().pollIntervalMs;
    const delay = pollDelayMs(now - follow.startedAt, {
      intervalMs,
      maxIntervalMs: Math.max(intervalMs, DEFAULT_MAX_INTERVAL_MS),
    });
    this.#follows.planPoll(now + Math.max(retryAfterMs, delay));
  }

  /** Plans a query at once for a running task nobody is polling (an idle follower asked again). */
  #resume(now: number): void {
    const follow = this.#follows.read();
    if (!follow || follow.nextPollAt !== undefined || this.#polling) return;
    if (follow.task && isTerminalStatus(follow.task.status)) return;
    this.#follows.planPoll(now);
  }

  /** Jobs kinds start by themselves for the state reached (the archive on `done`). */
  #spawn(): void {
    const view = this.#view();
    const now = Date.now();
    for (const kind of Object.values(jobKinds)) {
      const job = kind.spawn?.(view, this.env);
      if (job) this.#jobs.add({ ...job, kind: kind.name }, now);
    }
  }

  /**
   * After any change: waiting jobs that can run now become due; watchers of a settled task are
   * let go at once, their streams ended here. A watcher that ended its watch itself would abort
   * its request, an abort on each side, a thousand of them at the end of a popular task; a
   * stream that ends costs neither. The copy's outcome is not streamed: GET and webhooks tell it.
   */
  #afterChange(): void {
    const view = this.#wakeJobs();
    if (view.task && isTerminalStatus(view.task.status)) this.#watchers.closeAll();
  }

  /** Waiting jobs that can run in the state reached become due. */
  #wakeJobs(): FollowerView {
    const view = this.#view();
    const now = Date.now();
    for (const job of this.#jobs.waiting()) {
      if (jobKinds[job.kind]?.ready(job, view)) this.#jobs.makeDue(job.id, now);
    }
    return view;
  }

  /** The R2 copy, waiting for `done` (a no-op without VIDEOS, or when it was asked for already). */
  #keepVideo(now: number): void {
    if (this.env.VIDEOS)
      this.#jobs.add({ id: ARCHIVE_JOB_ID, kind: archiveJob.name, data: {} }, now);
  }

  #addWebhook(url: string, now: number): SubscribeResult {
    const webhooks = this.#jobs.list(webhookJob.name);
    const known = webhooks.find((job) => (job.data as WebhookData).url === url);
    if (known) return { id: known.id, created: false };
    if (webhooks.length >= MAX_WEBHOOKS_PER_TASK) return { refused: 'limit' };
    const id = newWebhookId();
    this.#jobs.add({ id, kind: webhookJob.name, data: { url } satisfies WebhookData }, now);
    return { id, created: true };
  }

  /** Due job attempts until none is left; one run at a time, which a second caller joins. */
  #runJobs(): Promise<void> {
    this.#jobRun ??= this.#attemptDueJobs().finally(() => {
      this.#jobRun = undefined;
    });
    return this.#jobRun;
  }

  async #attemptDueJobs(): Promise<void> {
    let budget = MAX_ATTEMPTS_PER_ALARM;
    while (budget > 0) {
      const due = this.#jobs.due(Date.now(), budget);
      if (due.length === 0) return;
      budget -= due.length;
      // Independent of each other: ten slow receivers take one timeout, not ten.
      await Promise.all(due.map((job) => this.#attempt(job)));
      this.#afterChange();
    }
  }

  async #attempt(job: Job): Promise<void> {
    const kind = jobKinds[job.kind];
    const now = Date.now();
    if (!kind) {
      this.#jobs.finish(job.id, 'dropped', now, `no job kind "${job.kind}" in this version`);
      return;
    }
    const attempts = this.#jobs.started(job.id);
    let outcome: JobOutcome<unknown>;
    try {
      outcome = await kind.attempt({
        job: { ...job, attempts },
        view: this.#view(),
        now,
        env: this.env,
        settings: this.#settings(),
        upstream: this.#upstream(),
        save: (data) => this.#jobs.save(job.id, data),
      });
    } catch (error) {
      // Only the error's name: its message could hold anything.
      console.error(
        'follower: a job attempt failed',
        job.kind,
        error instanceof Error ? error.name : typeof error,
      );
      const delay = FAILED_ATTEMPT_DELAYS_MS[attempts - 1];
      outcome =
        delay === undefined
          ? { status: 'drop', error: 'every attempt failed unexpectedly' }
          : { status: 'retry', at: now + delay, error: 'the attempt failed unexpectedly' };
    }
    this.#apply(job, outcome);
  }

  #apply(job: Job, outcome: JobOutcome<unknown>): void {
    const now = Date.now();
    if ('data' in outcome && outcome.data !== undefined) this.#jobs.save(job.id, outcome.data);
    switch (outcome.status) {
      case 'done':
        this.#jobs.finish(job.id, 'done', now);
        break;
      case 'drop':
        if (!outcome.expected)
          console.error('follower: a job was dropped', job.kind, outcome.error);
        this.#jobs.finish(job.id, 'dropped', now, outcome.error);
        break;
      case 'retry':
        this.#jobs.retry(job.id, Math.max(now, outcome.at), outcome.error);
        if (outcome.refresh) this.#follows.requestRefresh(now);
        break;
      case 'wait':
        this.#jobs.wait(job.id, outcome.at);
        break;
    }
  }

  #wantsPolling(follow: Follow, now: number): boolean {
    if (follow.task && isTerminalStatus(follow.task.status)) return false;
    if (now - follow.startedAt >= MAX_FOLLOW_MS) return false;
    return (
      this.#watchers.size > 0 ||
      now - follow.askedAt < this.#settings().followIdleMs ||
      this.#jobs.pending() > 0
    );
  }

  /** Jobs still waiting for the end of a task followed longer than the provider remembers it. */
  #giveUpWaiting(follow: Follow, now: number): void {
    if (follow.task && isTerminalStatus(follow.task.status)) return;
    if (now - follow.startedAt < MAX_FOLLOW_MS) return;
    for (const job of this.#jobs.waiting()) {
      this.#jobs.finish(job.id, 'dropped', now, 'the task did not end while it was followed');
    }
  }

  async #arm(): Promise<void> {
    const storage = this.ctx.storage;
    const follow = this.#follows.read();
    if (!follow) return storage.deleteAlarm();
    const now = Date.now();
    const times: number[] = [];
    if (follow.nextPollAt !== undefined && (follow.refresh || this.#wantsPolling(follow, now))) {
      times.push(follow.nextPollAt);
    }
    const jobAt = this.#jobs.nextDueAt();
    if (jobAt !== undefined) times.push(jobAt);
    if (times.length === 0) {
      const cleanupAt = this.#cleanupAt(follow);
      const held = cleanupAt <= now && !this.#cleanupDue(follow, now);
      times.push(held ? now + CLEANUP_RECHECK_MS : cleanupAt);
    }
    // A whole millisecond strictly after now: an alarm armed for the moment it runs in, or a
    // fraction of one, can leave the chain stopped without an error (seen in workerd).
    const at = Math.max(now + 1, Math.ceil(Math.min(...times)));
    // An alarm armed already for that time or earlier stays: moving it to "now + 1" on every
    // call would let a stream of arriving watchers push an overdue query back again and again.
    // One that comes early finds nothing due and arms the next.
    const current = await storage.getAlarm();
    if (current === null || current > at) await storage.setAlarm(at);
  }

  #cleanupAt(follow: Follow): number {
    return (
      Math.max(follow.askedAt, follow.polledAt ?? 0, this.#jobs.lastFinishedAt() ?? 0) +
      this.#settings().followRetainMs
    );
  }

  #cleanupDue(follow: Follow, now: number): boolean {
    return (
      this.#watchers.size === 0 &&
      !follow.refresh &&
      this.#jobs.pending() === 0 &&
      !this.#wantsPolling(follow, now) &&
      now >= this.#cleanupAt(follow)
    );
  }

  async #cleanup(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#migrate();
  }
}
