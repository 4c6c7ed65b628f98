import { describe, expect, it } from 'vitest';
import { failureText, PROGRESS_MARK, providerSilentText } from '../../bot/replies/messages.ts';
import type { InteractionInit, RecordedRequest } from '../fakes/discord/index.ts';
import { useDiscordEdge } from './discord-harness.ts';

/**
 * A Worker deployed without FOLLOWERS: every hand-over of a job to its task's follower fails,
 * as it would while that object cannot be reached. One job per user, to see the place freed.
 */
const unfollowed = useDiscordEdge({
  edge: {
    followers: false,
    vars: { DISCORD_FOLLOW_TIMEOUT_MS: '1000', DISCORD_MAX_JOBS_PER_USER: '1' },
  },
});

/** A follow time far shorter than the provider's Retry-After below. */
const held = useDiscordEdge({ edge: { vars: { DISCORD_FOLLOW_TIMEOUT_MS: '1500' } } });

let users = 0n;
const freshUser = () => String(1400000000000000000n + ++users);
const result = (taskId: string, userId: string): InteractionInit => ({
  commandName: 'jimeng',
  subcommand: 'result',
  options: [{ name: 'task_id', type: 3, value: taskId }],
  userId,
});
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown }).content ?? '');
const finalEdit = (token: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' &&
  r.path.includes(token) &&
  r.path.endsWith('/messages/@original') &&
  !contentOf(r).startsWith(PROGRESS_MARK);

describe.concurrent('a job its task’s follower cannot take', () => {
  it('/jimeng result: the user is told in the bot’s words, and their place under the cap is free again', async () => {
    const h = unfollowed;
    const userId = freshUser();
    const id = h.sim.addTask();
    const answer = await h.discord.postInteraction(result(id, userId), { endpoint: h.endpoint });
    expect(answer.body).toEqual({ type: 5 });
    const told = await h.discord.waitFor(finalEdit(answer.token), 8_000);
    expect(contentOf(told)).toBe(failureText(id, {}));
    const next = await h.discord.postInteraction(result(h.sim.addTask(), userId), {
      endpoint: h.endpoint,
    });
    expect(next.body).toEqual({ type: 5 });
    const logs = h.logs.join('\n');
    expect(logs).toMatch(new RegExp(`event=job_start_failed jobId=${answer.id} .*attempts=1`));
    expect(logs).toMatch(new RegExp(`event=job_failed jobId=${answer.id} .*code=hand_over`));
  });

  it('/jimeng create: submitted once, and the reply names the task it made', async () => {
    const h = unfollowed;
    const before = h.sim.requests.filter((r) => r.method === 'POST').length;
    const answer = await h.discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'create',
        options: [{ name: 'prompt', type: 3, value: 'a kite over the dunes' }],
        userId: freshUser(),
      },
      { endpoint: h.endpoint },
    );
    expect(answer.body).toEqual({ type: 5 });
    const told = await h.discord.waitFor(finalEdit(answer.token), 8_000);
    const taskId = /Task `(\d+)`/.exec(contentOf(told))?.[1] ?? '';
    expect(contentOf(told)).toBe(failureText(taskId, {}));
    expect(h.sim.requests.filter((r) => r.method === 'POST').length - before).toBe(1);
    expect(h.sim.requests.some((r) => r.method === 'POST' && r.path.includes('text2video'))).toBe(
      true,
    );
  });
});

describe('a job whose task’s follower has no query planned for a long time', () => {
  it('ends on its own clock: a provider asking to wait an hour does not hold the follow timeout back', async () => {
    const h = held;
    const id = h.sim.addTask({ durationMs: 60_000 });
    // The follower's first query is told to come back in an hour, and plans its next one then.
    h.sim.fault({ route: 'task', kind: 'status', status: 429, retryAfter: '3600' });
    const sent = Date.now();
    const answer = await h.discord.postInteraction(result(id, freshUser()), {
      endpoint: h.endpoint,
    });
    expect(answer.body).toEqual({ type: 5 });
    const told = await h.discord.waitFor(finalEdit(answer.token), 6_000);
    expect(contentOf(told)).toBe(providerSilentText(id));
    // Its 1.5 s, and the deferral's first second, not the hour.
    expect(told.at - sent).toBeLessThan(3_500);
    expect(h.sim.requests.filter((r) => r.taskId === id)).toHaveLength(1);
  });
});
