import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bot, type BotOptions, startBot } from '../../bot/index.ts';
import type { JobStore } from '../../bot/jobs/store.ts';
import { createLogger } from '../../bot/log.ts';
import { type Clock, systemClock } from '../../src/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';
import {
  type FakeDiscord,
  type InteractionInit,
  type RecordedRequest,
  startFakeDiscord,
} from '../fakes/discord/index.ts';

export interface Harness {
  discord: FakeDiscord;
  sim: Simulator;
  served: ServedSimulator;
  dataDir: string;
  logs: string[];
  clock: Clock;
  bot: Bot;
  /** Starts the bot (again) in this process, with the same data directory. */
  startBot(overrides?: Partial<BotOptions>): Promise<Bot>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: Clock;
  /** Simulated task life, submit to outcome. */
  durationMs?: number;
  bot?: Partial<BotOptions>;
  /** Merged into the core client options (token and baseURL point at the simulator). */
  jimeng?: BotOptions['jimeng'];
  /** The store every start of the bot uses, given the data directory; the file store by default. */
  store?: (dataDir: string) => JobStore;
}

/** The fake Discord, the simulator on loopback and a bot in this process, wired together. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const discord = await startFakeDiscord();
  const sim = createSimulator({ durationMs: options.durationMs ?? 400, now: () => clock.now() });
  const served = await serveSimulator(sim);
  const dataDir = await mkdtemp(join(tmpdir(), 'jimeng-bot-'));
  const logs: string[] = [];
  const bots: Bot[] = [];
  const store = options.store?.(dataDir);
  const start = async (overrides: Partial<BotOptions> = {}) => {
    const bot = await startBot({
      discordToken: discord.token,
      discordApiURL: discord.apiURL,
      jimeng: { token: 'sim-token', baseURL: served.url, retries: 1, ...options.jimeng },
      dataDir,
      clock,
      logger: createLogger((line) => logs.push(line)),
      pollIntervalMs: 100,
      maxPollIntervalMs: 200,
      progressIntervalMs: 100,
      store,
      ...options.bot,
      ...overrides,
    });
    bots.push(bot);
    return bot;
  };
  const bot = await start();
  return {
    discord,
    sim,
    served,
    dataDir,
    logs,
    clock,
    bot,
    startBot: start,
    async close() {
      await Promise.all(bots.map((b) => b.stop()));
      await discord.close();
      await served.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The provider's own video link, as the simulator signs it (`/<signature>/<expiry>/video/…`). */
export const providerLink = (origin: string) =>
  new RegExp(`${origin.replace(/[.]/g, '\\.')}/[0-9a-f]{32}/[0-9a-f]{8}/video/`);

/** The request that posted a file named `name`. */
export const uploadNamed =
  (name: string) =>
  (request: RecordedRequest): boolean =>
    request.files.some((file) => file.name === name);

/** The last text the bot put in a request's body. */
export function contentOf(request: RecordedRequest): string {
  return String((request.body as { content?: unknown } | undefined)?.content ?? '');
}

export const isOriginalEdit = (request: RecordedRequest): boolean =>
  request.method === 'PATCH' &&
  /^\/webhooks\/[^/]+\/[^/]+\/messages\/@original$/.test(request.path);

/** A message posted in the channel by the bot itself (not through the interaction). */
export const isChannelPost =
  (channelId: string) =>
  (request: { method: string; path: string }): boolean =>
    request.method === 'POST' && request.path === `/channels/${channelId}/messages`;

/** `/jimeng result task_id:<taskId>` as Discord dispatches it. */
export const resultCommand = (taskId: string): InteractionInit => ({
  commandName: 'jimeng',
  subcommand: 'result',
  options: [{ name: 'task_id', type: 3, value: taskId }],
});
