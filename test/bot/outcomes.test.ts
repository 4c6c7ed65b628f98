import { afterEach, describe, expect, it } from 'vitest';
import type { TaskOutcome } from '../../src/simulator/index.ts';
import { contentOf, type Harness, isOriginalEdit, resultCommand, startHarness } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function finalText(outcome: TaskOutcome, words: string) {
  const taskId = h.sim.addTask({ outcome });
  await h.discord.sendInteraction(resultCommand(taskId));
  const final = await h.discord.waitFor((r) => isOriginalEdit(r) && contentOf(r).includes(words));
  expect(final.files).toHaveLength(0);
  expect(contentOf(final)).toContain(taskId);
  return contentOf(final);
}

describe('every outcome ends in a message naming the task', () => {
  it('not found', async () => {
    h = await startHarness();
    expect(await finalText('not_found', 'was not found')).toContain('12 hours');
  });

  it('expired', async () => {
    h = await startHarness();
    expect(await finalText('expired', 'has expired')).toContain('/jimeng create');
  });

  it('the output refused by moderation', async () => {
    h = await startHarness();
    expect(await finalText('moderation', 'refused by the provider')).toContain('moderation');
  });

  it('timed out', async () => {
    h = await startHarness({ durationMs: 60_000, bot: { followTimeoutMs: 500 } });
    const text = await finalText('done', 'stopped watching');
    expect(text).toMatch(/\/jimeng result task_id:\d+/);
    // The provider's last answer: what its support asks for.
    expect(text).toMatch(/\(request id `[^`]+`\)/);
  });

  it('the provider down', async () => {
    h = await startHarness({ bot: { followTimeoutMs: 1_500 } });
    h.sim.fault({ route: 'task', kind: 'html', status: 502, times: 1000 });
    const text = await finalText('done', 'seems to be down');
    expect(text).toMatch(/\/jimeng result task_id:\d+/);
  });

  it('progress is shown in words with the elapsed time', async () => {
    h = await startHarness({ durationMs: 800 });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    const progress = await h.discord.waitFor(
      (r) => isOriginalEdit(r) && contentOf(r).includes("provider's queue"),
    );
    expect(contentOf(progress)).toMatch(new RegExp(`Task \`${taskId}\`.*\\(0 s\\)`));
    await h.bot.runner.idle();
  });

  it('a follow time longer than a timer can hold is no reason to give up at once', async () => {
    h = await startHarness({ bot: { followTimeoutMs: 10_000_000_000 } });
    const taskId = h.sim.addTask();
    await h.discord.sendInteraction(resultCommand(taskId));
    await h.discord.waitFor((r) => r.files.some((f) => f.name === `${taskId}.mp4`));
    await h.bot.runner.idle();
    expect(h.discord.requests.some((r) => contentOf(r).includes('stopped watching'))).toBe(false);
  });
});
