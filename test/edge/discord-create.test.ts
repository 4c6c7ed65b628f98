import { describe, expect, it } from 'vitest';
import { PROGRESS_MARK, submitUncertainText } from '../../bot/replies/messages.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { useDiscordEdge } from './discord-harness.ts';
import { TOKEN } from './edge-harness.ts';

const h = useDiscordEdge();

const createCommand = (prompt: string, userId?: string) => ({
  commandName: 'jimeng',
  subcommand: 'create',
  options: [{ name: 'prompt', type: 3, value: prompt }],
  ...(userId ? { userId } : {}),
});
const finalEdit = (token: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path.includes(token) && r.path.endsWith('/messages/@original');
const contentOf = (r: RecordedRequest) => String((r.body as { content?: unknown }).content ?? '');
const submits = () => h.sim.requests.filter((r) => r.method === 'POST');

describe('/jimeng create over HTTP interactions', () => {
  it('a prompt refused by moderation at submit is told in words, and not submitted again', async () => {
    const before = submits().length;
    h.sim.fault({ route: 'create', kind: 'code', code: 50412 });
    const answer = await h.discord.postInteraction(createCommand('a forbidden thing'), {
      endpoint: h.endpoint,
    });
    expect(answer.body).toEqual({ type: 5 });
    const edit = await h.discord.waitFor(finalEdit(answer.token));
    expect(contentOf(edit)).toMatch(
      /^🚫 Your video was refused by the provider: the prompt failed moderation\./,
    );
    expect(submits().length - before).toBe(1);
  });

  it('a refusal whose post Discord fails is posted again in the same words, not as an interrupted submit', async () => {
    const before = submits().length;
    h.sim.fault({ route: 'create', kind: 'code', code: 50412 });
    const answer = await h.discord.postInteraction(createCommand('a forbidden thing, twice'), {
      endpoint: h.endpoint,
    });
    // The post waits out the deferral's first second: time to make it fail.
    h.discord.failNext(
      { method: 'PATCH', path: new RegExp(`${answer.token}.*@original`) },
      { status: 503, body: { message: 'upstream connect error' } },
    );
    const posted = await h.discord.waitFor(
      (r) => finalEdit(answer.token)(r) && r.status === 200,
      8_000,
    );
    expect(contentOf(posted)).toMatch(
      /^🚫 Your video was refused by the provider: the prompt failed moderation\./,
    );
    const edits = h.discord.requests.filter(finalEdit(answer.token));
    expect(edits.map((r) => r.status)).toEqual([503, 200]);
    expect(submits().length - before).toBe(1);
  });

  it('a submit the provider never answers is sent once: the reply says it may have landed', async () => {
    const before = submits().length;
    h.sim.fault({ route: 'create', kind: 'hang' });
    const answer = await h.discord.postInteraction(createCommand('a slow thing'), {
      endpoint: h.endpoint,
    });
    expect(answer.body).toEqual({ type: 5 });
    const edit = await h.discord.waitFor(finalEdit(answer.token), 10_000);
    expect(contentOf(edit)).toBe(submitUncertainText({}));
    expect(submits().length - before).toBe(1);
  });
});

describe('a signed interaction sent again within its 5 minutes (a replay)', () => {
  it('is answered without a second job: the prompt is submitted once, the reply edited by one job', async () => {
    const before = submits().length;
    const answer = await h.discord.postInteraction(createCommand('a lighthouse at dusk'), {
      endpoint: h.endpoint,
    });
    expect(answer.body).toEqual({ type: 5 });
    await h.discord.waitFor(finalEdit(answer.token), 10_000);
    const again = await fetch(h.endpoint, { method: 'POST', ...answer.sent });
    expect(again.status).toBe(200);
    await again.text();
    // Time for a second job's submit and final post, had one been started.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(submits().length - before).toBe(1);
    const finals = h.discord.requests.filter(finalEdit(answer.token));
    expect(finals.filter((r) => !contentOf(r).startsWith(PROGRESS_MARK))).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('no interaction token, bot token or provider token in any log line', () => {
    const logs = h.logs.join('\n');
    expect(logs).toContain('event=job_failed');
    expect(logs).not.toMatch(/fake-interaction-/);
    expect(logs).not.toContain(h.discord.token);
    expect(logs).not.toContain(TOKEN);
  });
});
