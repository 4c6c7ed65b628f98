import { afterAll, beforeAll } from 'vitest';
import { type RunningEdge, type StartEdgeOptions, startEdge } from '../../edge/dev.ts';
import {
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.ts';
import { type ServedSimulator, serveSimulator } from '../../src/simulator/serve.ts';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from '../fakes/discord/index.ts';
import { FAST_VARS, KEY, TOKEN } from './edge-harness.ts';

export interface DiscordHarness {
  sim: Simulator;
  served: ServedSimulator;
  discord: FakeDiscord;
  edge: RunningEdge;
  /** `<edge>/discord/interactions`, where the fake Discord POSTs interactions. */
  endpoint: string;
  /** The Worker's log lines (workerd's stdout), kept instead of printed. */
  logs: string[];
}

export interface DiscordHarnessOptions {
  edge?: Partial<StartEdgeOptions>;
  sim?: SimulatorOptions;
  discord?: FakeDiscordOptions;
  /** Give the Worker the bot token (DISCORD_TOKEN); default true. */
  botToken?: boolean;
}

/**
 * The simulator, the fake Discord (with its own Ed25519 key) and the Worker in workerd serving
 * interactions for that application, for one test file.
 */
export function useDiscordEdge(options: DiscordHarnessOptions = {}): DiscordHarness {
  const harness = { logs: [] as string[] } as DiscordHarness;
  beforeAll(async () => {
    harness.sim = createSimulator({ token: TOKEN, durationMs: 300, ...options.sim });
    harness.served = await serveSimulator(harness.sim);
    harness.discord = await startFakeDiscord(options.discord);
    harness.edge = await startEdge({
      baseURL: harness.served.url,
      token: TOKEN,
      apiKeys: KEY,
      onLog: (line) => harness.logs.push(line),
      ...options.edge,
      vars: {
        ...FAST_VARS,
        DISCORD_PUBLIC_KEY: harness.discord.publicKey,
        DISCORD_APPLICATION_ID: harness.discord.applicationId,
        DISCORD_API_URL: harness.discord.apiURL,
        ...(options.botToken === false ? {} : { DISCORD_TOKEN: harness.discord.token }),
        ...options.edge?.vars,
      },
    });
    harness.endpoint = `${harness.edge.url}/discord/interactions`;
  });
  afterAll(async () => {
    await harness.edge?.close();
    await harness.discord?.close();
    await harness.served?.close();
  });
  return harness;
}
