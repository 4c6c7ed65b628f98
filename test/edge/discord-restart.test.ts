import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROGRESS_MARK } from '../../bot/replies/messages.ts';
import { startEdge } from '../../edge/dev.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { type RecordedRequest, startFakeDiscord } from '../fakes/discord/index.ts';
import { FAST_VARS, KEY, sleep, TOKEN } from './edge-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'jimeng-discord-restart-'));
const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('a Discord job survives the Worker stopping and starting again', () => {
  it('the task ends while the Worker is down; after the restart the video is posted exactly once', async () => {
    const sim = createSimulator({ token: TOKEN });
    const served = await serveSimulator(sim);
    const discord = await startFakeDiscord();
    opened.push(served, discord);
    const start = async () => {
      const edge = await startEdge({
        baseURL: served.url,
        token: TOKEN,
        apiKeys: KEY,
        persist: dir,
        onLog: () => {},
        vars: {
          ...FAST_VARS,
          DISCORD_PUBLIC_KEY: discord.publicKey,
          DISCORD_API_URL: discord.apiURL,
          DISCORD_TOKEN: discord.token,
          DISCORD_PROGRESS_INTERVAL_MS: '200',
        },
      });
      opened.push(edge);
      return edge;
    };
    const id = sim.addTask({ durationMs: 2_500 });
    let edge = await start();
    const answer = await discord.postInteraction(
      {
        commandName: 'jimeng',
        subcommand: 'result',
        options: [{ name: 'task_id', type: 3, value: id }],
      },
      { endpoint: `${edge.url}/discord/interactions` },
    );
    expect(answer.body).toEqual({ type: 5 });
    const ofThisReply = (r: RecordedRequest) =>
      r.method === 'PATCH' && r.path.includes(answer.token) && r.path.endsWith('@original');
    const progress = await discord.waitFor(ofThisReply, 5_000);
    expect(String((progress.body as { content: string }).content)).toMatch(
      new RegExp(`^${PROGRESS_MARK} Task \`${id}\``),
    );
    await edge.close();
    const whileDown = sim.requests.filter((r) => r.taskId === id).length;
    await sleep(2_000);
    expect(sim.requests.filter((r) => r.taskId === id).length).toBe(whileDown);

    edge = await start();
    const upload = await discord.waitFor((r) => ofThisReply(r) && r.files.length > 0, 10_000);
    expect(upload.files[0]?.name).toBe(`${id}.mp4`);
    expect(upload.files[0]?.bytes).toEqual(sampleVideo());
    // Long enough for a repeated alarm or a second attempt to show itself.
    await sleep(1_000);
    const uploads = discord.requests.filter((r) => r.files.length > 0);
    expect(uploads).toHaveLength(1);
    expect(discord.requests.some((r) => r.path.startsWith('/channels/'))).toBe(false);
  });
});
