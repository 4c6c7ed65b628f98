import { DurableObject } from 'cloudflare:workers';
import { admissionFor, type Claim } from '../../bot/jobs/admission.ts';
import { createVideoOptions, jobLogFields as fields } from '../../bot/jobs/job.ts';
import { failureReply } from '../../bot/replies/failure-reply.ts';
import { interruptedSubmitText } from '../../bot/replies/messages.ts';
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
/**
 * An interaction's id is kept this long after its job was admitted: its signed request passes
 * the signature check for 5 minutes either side of its timestamp, and sent again in that time
 * (a replay) it must not start a second job, which for a `create` is a second billed submit.
 */
const SEEN_MS = 2 * MAX_SIGNATURE_AGE_MS;

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

  override async alarm(): Promise<void> {
    const jobs = await this.ctx.storage.list<InteractionJob>({ prefix: JOB });
    const failures: unknown[] = [];
    for (const job of jobs.values()) {
      await this.start(job).catch((error: unknown) => {
        failures.push(error);
        discordRuntime(this.env).logger('job_start_failed', {
          ...fields(job),
          message: error instanceof Error ? error.message : String(error),
        });
      });
    }
    // The alarm is retried (with backoff) when it throws: what failed gets another turn.
    if (failures.length > 0) throw failures[0];
  }

  /** Submits a `create` (once), then hands the job to its task's follower. */
  private async start(job: InteractionJob): Promise<void> {
    const runtime = discordRuntime(this.env);
    const storage: JobStorage = {
      save: (j) => this.ctx.storage.put(JOB + j.id, j),
      remove: async (j) => {
        await this.ctx.storage.delete([JOB + j.id, CLAIM + j.id]);
      },
    };
    const jobs = runtime.jobs(storage);
    if (job.taskId === null) {
      if (job.submitSent) {
        // Sent, and no answer stored: it may have been created (and billed). Never twice.
        runtime.logger('job_interrupted_submit', fields(job));
        await jobs.tell(job, interruptedSubmitText());
        return;
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
        await jobs.tell(job, failureReply(job, error, { kind: 'submitting', position: null }));
        return;
      }
    }
    // From here the task's follower has the job; a hand-over that failed is tried again.
    await followInFollower(this.env, job);
    await this.ctx.storage.delete(JOB + job.id);
  }
}
