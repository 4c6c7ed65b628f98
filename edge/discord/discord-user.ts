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

/** A job counted against its user's cap, until it is over or `until` has passed. */
export interface HeldClaim extends Claim {
  until: number;
}

export type Admission = { ok: true } | { ok: false; text: string };

const CLAIM = 'claim:';
const CREATE = 'create:';

/**
 * One per Discord user (`idFromName(userId)`): their active jobs under the per-user cap, which
 * so holds across isolates and colos, and their `/jimeng create` prompts until the provider has
 * taken them. A submit is billed and not idempotent: it is marked sent before it leaves and is
 * never sent again, whatever the alarms do.
 */
export class DiscordUser extends DurableObject<Env> {
  /** Counts the user's jobs; admits this one (and keeps its prompt, to submit) when there is room. */
  async admit(
    jobId: string,
    claim: Claim,
    max: number,
    create?: InteractionJob,
  ): Promise<Admission> {
    const now = Date.now();
    const stored = await this.ctx.storage.list<HeldClaim>({ prefix: CLAIM });
    const expired = [...stored].filter(([, held]) => held.until <= now).map(([key]) => key);
    if (expired.length > 0) await this.ctx.storage.delete(expired);
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
    await this.ctx.storage.put(CLAIM + jobId, claim);
    if (create) {
      await this.ctx.storage.put(CREATE + jobId, create);
      await this.ctx.storage.setAlarm(Date.now() + 1);
    }
    return { ok: true };
  }

  /** The job is over (or never started): its place under the cap is free. */
  async release(jobId: string): Promise<void> {
    await this.ctx.storage.delete(CLAIM + jobId);
  }

  override async alarm(): Promise<void> {
    const creates = await this.ctx.storage.list<InteractionJob>({ prefix: CREATE });
    const failures: unknown[] = [];
    for (const job of creates.values()) {
      await this.submit(job).catch((error: unknown) => failures.push(error));
    }
    // The alarm is retried (with backoff) when it throws: what failed gets another turn.
    if (failures.length > 0) throw failures[0];
  }

  private async submit(job: InteractionJob): Promise<void> {
    const runtime = discordRuntime(this.env);
    const storage: JobStorage = {
      save: (j) => this.ctx.storage.put(CREATE + j.id, j),
      remove: async (j) => {
        await this.ctx.storage.delete([CREATE + j.id, CLAIM + j.id]);
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
    await this.ctx.storage.delete(CREATE + job.id);
  }
}
