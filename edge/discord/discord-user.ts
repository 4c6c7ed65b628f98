import { DurableObject } from 'cloudflare:workers';
import { admissionFor, type Claim } from '../../bot/jobs/admission.ts';
import { createVideoOptions, jobLogFields as fields } from '../../bot/jobs/job.ts';
import { failureReply } from '../../bot/replies/failure-reply.ts';
import { failureText, interruptedSubmitText } from '../../bot/replies/messages.ts';
import { isJimengError } from '../../src/index.ts';
import type { Env } from '../env.ts';
import { upstreamFor } from '../upstream.ts';
import { discordRuntime, type JobStorage } from './discord-runtime.ts';
import { followInFollower } from './follower-link.ts';
import type { InteractionJob } from './interaction-job.ts';
import { MAX_SIGNATURE_AGE_MS } from './verify-interaction.ts';

/** A job counted against its user's cap, until it is over or `until` has passed. */
export interface HeldClaim extends Claim {
  until: number;
}

export type Admission = { ok: true } | { ok: false; text: string };

const CLAIM = 'claim:';
const JOB = 'job:';
const SEEN = 'seen:';
const RETRY = 'retry:';
/**
 * An interaction's id is kept this long after its job was admitted: its signed request passes
 * the signature check for 5 minutes either side of its timestamp, and sent again in that time
 * (a replay) it must not start a second job, which for a `create` is a second billed submit.
 */
const SEEN_MS = 2 * MAX_SIGNATURE_AGE_MS;
/**
 * A job its task's follower would not take for this long (or past the job's own follow time)
 * is given up on: the user is told, in the bot's words, rather than left with "thinking…".
 */
const HAND_OVER_MS = 2 * 60 * 1000;
/** A job still here this long after its command (Discord refusing even the last words) is dropped. */
const MAX_STAY_MS = 30 * 60 * 1000;

/** A job whose start failed: when it is tried again, and the final words once they are chosen. */
interface Retry {
  attempts: number;
  at: number;
  text?: string;
}

/**
 * One per Discord user (`idFromName(userId)`): their active jobs under the per-user cap, which
 * so holds across isolates and colos, and each new job until its task's follower has it. The
 * interaction's answer waits for this one object only; the hand-over (and a `/jimeng create`'s
 * submit before it) happens in its alarm, durably. A submit is billed and not idempotent: it is
 * marked sent before it leaves and never sent again, whatever the alarms do.
 */
export class DiscordUser extends DurableObject<Env> {
  /** Counts the user's jobs; admits and keeps this one when there is room. */
  async admit(claim: HeldClaim, max: number, job: InteractionJob): Promise<Admission> {
    const jobId = job.id;
    const now = Date.now();
    const seen = await this.ctx.storage.list<number>({ prefix: SEEN });
    const stored = await this.ctx.storage.list<HeldClaim>({ prefix: CLAIM });
    const expired = [
      ...[...stored].filter(([, held]) => held.until <= now).map(([key]) => key),
      ...[...seen].filter(([, until]) => until <= now).map(([key]) => key),
    ];
    if (expired.length > 0) await this.ctx.storage.delete(expired);
    // This interaction has its job already: the answer is the same, and nothing starts twice.
    if ((seen.get(SEEN + jobId) ?? 0) > now) return { ok: true };
    const held = [...stored.values()].filter((h) => h.until > now);
    const admission = admissionFor(held, claim, max);
    if (!admission.ok) {
      if (admission.active !== undefined) {
        discordRuntime(this.env).logger('job_refused', {
          jobId,
          taskId: claim.taskId,
          reason: 'per-user cap',
          active: admission.active,
        });
      }
      return admission;
    }
    await this.ctx.storage.put({
      [CLAIM + jobId]: claim,
      [JOB + jobId]: job,
      [SEEN + jobId]: now + SEEN_MS,
    });
    // A whole millisecond strictly later than now: see the follower's #arm.
    await this.ctx.storage.setAlarm(Date.now() + 1);
    return { ok: true };
  }

  /** The job is over (or never started): its place under the cap is free. */
  async release(jobId: string): Promise<void> {
    await this.ctx.storage.delete(CLAIM + jobId);
  }

  /**
   * Starts every job that is due, each on its own: a failure is tried again by this object's
   * own schedule, never by the platform's retries of a throwing alarm (six, after which the
   * job would sit stored with no alarm and the user would never hear back).
   */
  override async alarm(): Promise<void> {
    const storage = this.ctx.storage;
    const jobs = await storage.list<InteractionJob>({ prefix: JOB });
    const retries = await storage.list<Retry>({ prefix: RETRY });
    let next = Infinity;
    for (const job of jobs.values()) {
      const retry = retries.get(RETRY + job.id) ?? { attempts: 0, at: 0 };
      const now = Date.now();
      if (retry.at > now) {
        next = Math.min(next, retry.at);
        continue;
      }
      try {
        await this.start(job, retry);
      } catch (error) {
        retry.attempts++;
        const { logger } = discordRuntime(this.env);
        logger('job_start_failed', {
          ...fields(job),
          attempts: retry.attempts,
          message: error instanceof Error ? error.message : String(error),
        });
        if (now >= job.createdAt + MAX_STAY_MS) {
          logger('job_dropped', fields(job));
          await this.#forget(job);
          continue;
        }
        // Doubling from 1 s, at most a minute apart.
        retry.at = now + Math.min(1000 * 2 ** (retry.attempts - 1), 60_000);
        await storage.put(RETRY + job.id, retry);
        next = Math.min(next, retry.at);
      }
    }
    // A job admitted while this ran has armed an earlier alarm: it stays.
    const armed = await storage.getAlarm();
    if (next < Infinity && (armed === null || armed > next)) {
      await storage.setAlarm(next);
    }
  }

  /** The job is over: nothing of it stays, and its place under the cap is free. */
  async #forget(job: InteractionJob): Promise<void> {
    await this.ctx.storage.delete([JOB + job.id, CLAIM + job.id, RETRY + job.id]);
  }

  /**
   * Submits a `create` (once), then hands the job to its task's follower. Throws when it is
   * worth another try; the words it settles on are kept in `retry`, so a try after a failed
   * post says the same thing, not what a fresh look at the job would make of it.
   */
  private async start(job: InteractionJob, retry: Retry): Promise<void> {
    const runtime = discordRuntime(this.env);
    const storage: JobStorage = {
      save: (j) => this.ctx.storage.put(JOB + j.id, j),
      remove: (j) => this.#forget(j),
    };
    const jobs = runtime.jobs(storage);
    const tell = (text: string) => {
      retry.text = text;
      return jobs.tell(job, text);
    };
    if (retry.text !== undefined) return tell(retry.text);
    if (job.taskId === null) {
      if (job.submitSent) {
        // Sent, and no answer stored: it may have been created (and billed). Never twice.
        runtime.logger('job_interrupted_submit', fields(job));
        return tell(interruptedSubmitText());
      }
      job.submitSent = true;
      await storage.save(job);
      const request = job.create;
      try {
        if (!request) throw new Error(`Job ${job.id} has nothing to submit.`);
        const created = await upstreamFor(runtime.settings).client.createVideo(
          createVideoOptions(request),
        );
        job.taskId = created.taskId;
        job.requestId = created.requestId;
        job.phase = 'following';
        await storage.save(job);
        runtime.logger('task_submitted', fields(job));
      } catch (error) {
        runtime.logger('job_failed', {
          ...fields(job),
          code: isJimengError(error) ? error.code : 'internal',
          upstreamCode: isJimengError(error) ? error.upstreamCode : undefined,
          message: error instanceof Error ? error.message : String(error),
        });
        return tell(failureReply(job, error, { kind: 'submitting', position: null }));
      }
    }
    // From here the task's follower has the job.
    try {
      await followInFollower(this.env, job);
    } catch (error) {
      if (Date.now() < Math.min(job.createdAt + HAND_OVER_MS, job.followUntil)) throw error;
      runtime.logger('job_failed', { ...fields(job), code: 'hand_over' });
      // Its error is the Worker's, not the task's: the user gets the task id and a way on.
      return tell(failureText(job.taskId, {}));
    }
    await this.ctx.storage.delete([JOB + job.id, RETRY + job.id]);
  }
}
