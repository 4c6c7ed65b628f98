// Node side: runs the Worker in real workerd through Miniflare, for `npm start`, tests and benches.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { Miniflare, type MiniflareOptions } from 'miniflare';

/** Keep in step with wrangler.toml. */
export const COMPATIBILITY_DATE = '2026-04-20';
/** `request.signal` aborts when the client disconnects: how SSE polling learns to stop. */
export const COMPATIBILITY_FLAGS = ['enable_request_signal'];

export interface StartEdgeOptions {
  /** The provider (or the simulator) the Worker talks to: JIMENG_BASE_URL. */
  baseURL: string;
  token?: string;
  /** Default: a free port. */
  port?: number;
  /** Comma-separated, as the EDGE_API_KEYS secret. */
  apiKeys?: string;
  public?: boolean;
  corsOrigins?: string;
  /** Bind an in-memory R2 bucket as VIDEOS (default true). */
  videos?: boolean;
  /** Bind FOLLOWERS (default true): false is a Worker deployed without its TaskFollower. */
  followers?: boolean;
  /** Bind RATE_LIMITER with this many requests per minute per caller. */
  rateLimitPerMinute?: number;
  /** A directory for the Cache API's storage, so several workerd processes share one cache. */
  cachePersist?: string;
  /**
   * A directory for Durable Objects' SQLite storage and pending alarms, and for R2: a Worker
   * stopped and started again on it resumes where it was. Default: in memory.
   */
  persist?: string;
  /** Where workerd's stdout lines go (the Worker's logs); default the console. */
  onLog?: (line: string) => void;
  /** Extra vars, e.g. EDGE_POLL_INTERVAL_MS for fast tests. */
  vars?: Record<string, string>;
  /**
   * Leave SIGINT and SIGTERM to the caller. Miniflare otherwise answers them with its own
   * `process.exit(130 or 143)` in the same tick, before any async shutdown of the caller has
   * closed anything. Its exit hook stays: workerd is still killed when the process exits.
   */
  callerHandlesSignals?: boolean;
  /**
   * Run the TaskFollower objects, with an R2 bucket of their own, in a second workerd process,
   * reached through Miniflare's dev registry (workerd's debug port: fetch and RPC), as on
   * Cloudflare, where an object does not share an isolate with the requests of its watchers.
   * For benchmarks: the Worker's own VIDEOS is then another, empty bucket, so its `archived`
   * and `/video` do not see the followers' copies. Default: one process.
   */
  followersApart?: boolean;
}

export interface RunningEdge {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  miniflare: Miniflare;
  close(): Promise<void>;
}

/** How wrangler bundles for workerd: ESM, the workerd export conditions, no Node built-ins. */
export const WORKER_BUILD_OPTIONS = {
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  target: 'es2022',
  // The runtime's own modules (DurableObject comes from cloudflare:workers).
  external: ['cloudflare:*'],
  logLevel: 'silent',
} as const satisfies BuildOptions;

let bundle: Promise<string> | undefined;

/** The Worker bundled as wrangler would (workerd conditions, ESM), once per process. */
export function buildEdge(
  entry = fileURLToPath(new URL('./index.ts', import.meta.url)),
): Promise<string> {
  bundle ??= build({ ...WORKER_BUILD_OPTIONS, entryPoints: [entry] }).then((result) => {
    const [file] = result.outputFiles;
    if (!file) throw new Error('esbuild produced no output for the edge worker');
    return file.text;
  });
  return bundle;
}

/** The Worker's options for Miniflare: bundle, compatibility, vars and bindings, as wrangler.toml. */
export async function edgeWorkerOptions(options: StartEdgeOptions) {
  const bindings: Record<string, string> = {
    JIMENG_BASE_URL: options.baseURL,
    ...(options.token ? { JIMENG_TOKEN: options.token } : {}),
    ...(options.apiKeys ? { EDGE_API_KEYS: options.apiKeys } : {}),
    ...(options.public ? { EDGE_PUBLIC: 'true' } : {}),
    ...(options.corsOrigins ? { CORS_ORIGINS: options.corsOrigins } : {}),
    ...options.vars,
  };
  return {
    modules: [{ type: 'ESModule' as const, path: 'index.js', contents: await buildEdge() }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings,
    // As wrangler.toml: one SQLite-backed TaskFollower per task, one DiscordUser per user.
    durableObjects: {
      ...(options.followers === false
        ? {}
        : { FOLLOWERS: { className: 'TaskFollower', useSQLite: true } }),
      DISCORD_USERS: { className: 'DiscordUser', useSQLite: true },
    },
    ...(options.persist
      ? {
          durableObjectsPersist: join(options.persist, 'durable-objects'),
          r2Persist: join(options.persist, 'r2'),
        }
      : {}),
    ...(options.cachePersist ? { cachePersist: options.cachePersist } : {}),
    ...(options.videos === false ? {} : { r2Buckets: ['VIDEOS'] }),
    ...(options.rateLimitPerMinute
      ? {
          ratelimits: {
            RATE_LIMITER: { simple: { limit: options.rateLimitPerMinute, period: 60 as const } },
          },
        }
      : {}),
  } satisfies MiniflareOptions;
}

/** The worker's name in the dev registry when the followers run apart (`followersApart`). */
const FOLLOWERS_WORKER = 'jimeng-task-followers';

/** Runs the edge Worker in workerd on 127.0.0.1 (in-memory R2 unless `videos: false`). */
export async function startEdge(options: StartEdgeOptions): Promise<RunningEdge> {
  if (!options.followersApart || options.followers === false) return startMiniflare(options, {});
  const registry = await mkdtemp(join(tmpdir(), 'jimeng-dev-registry-'));
  const removeRegistry = () => rm(registry, { recursive: true, force: true });
  let followers: RunningEdge | undefined;
  try {
    followers = await startMiniflare(
      {
        ...options,
        port: 0,
        ...(options.persist ? { persist: join(options.persist, 'followers') } : {}),
      },
      { name: FOLLOWERS_WORKER, unsafeDevRegistryPath: registry },
    );
    const worker = await startMiniflare(options, {
      name: 'jimeng-task',
      unsafeDevRegistryPath: registry,
      // Miniflare swaps a binding to a class of a worker it does not run for a proxy that
      // reaches the object in the registered process.
      followers: { className: 'TaskFollower', scriptName: FOLLOWERS_WORKER, useSQLite: true },
    });
    const apart = followers;
    return {
      ...worker,
      async close() {
        await worker.close();
        await apart.close();
        await removeRegistry();
      },
    };
  } catch (error) {
    await followers?.close();
    await removeRegistry();
    throw error;
  }
}

/** One workerd process running the Worker; `extra` names it and rebinds FOLLOWERS. */
async function startMiniflare(
  options: StartEdgeOptions,
  extra: {
    name?: string;
    unsafeDevRegistryPath?: string;
    followers?: { className: string; scriptName: string; useSQLite: boolean };
  },
): Promise<RunningEdge> {
  const output = heldRuntimeOutput(options.onLog);
  const { followers, ...core } = extra;
  const base = await edgeWorkerOptions(options);
  const config = {
    ...base,
    ...core,
    ...(followers ? { durableObjects: { ...base.durableObjects, FOLLOWERS: followers } } : {}),
    host: '127.0.0.1',
    port: options.port ?? 0,
    handleRuntimeStdio: output.handle,
  };
  const miniflare = options.callerHandlesSignals
    ? withoutNewSignalListeners(() => new Miniflare(config))
    : new Miniflare(config);
  try {
    const url = (await miniflare.ready).origin;
    output.release(true);
    return { url, miniflare, close: () => miniflare.dispose() };
  } catch (error) {
    // A port in use comes back as one MiniflareCoreError [ERR_ADDRESS_IN_USE], read from
    // workerd's own fatal trace: that trace would only say it again, at length.
    output.release((error as { code?: unknown }).code !== 'ERR_ADDRESS_IN_USE');
    // The loopback server and the exit hook outlive a failed start: without this, the
    // caller's process would stay up.
    await miniflare.dispose().catch(() => {});
    throw error;
  }
}

/**
 * Runs `create` and takes back the SIGINT and SIGTERM listeners it added. Miniflare's exit hook
 * adds them in its constructor, and only for the first Miniflare of the process.
 */
function withoutNewSignalListeners<T>(create: () => T): T {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = signals.map((signal) => process.listeners(signal));
  const created = create();
  signals.forEach((signal, i) => {
    for (const listener of process.listeners(signal))
      if (!before[i]?.includes(listener)) process.removeListener(signal, listener);
  });
  return created;
}

/**
 * workerd's output as Miniflare would print it, except that its stderr is held until the
 * start is over, so that a failure Miniflare sums up in its error can be dropped.
 */
function heldRuntimeOutput(onLog: (line: string) => void = (line) => console.log(line)) {
  let held: string[] | undefined = [];
  let dropping = false;
  return {
    handle(stdout: Readable, stderr: Readable) {
      createInterface(stdout).on('line', onLog);
      createInterface(stderr).on('line', (line) => {
        if (dropping) return;
        if (held) held.push(line);
        else console.error(line);
      });
    },
    /** Ends the start: prints what was held, or drops it and the rest of that runtime's stderr. */
    release(show: boolean) {
      if (show) for (const line of held ?? []) console.error(line);
      else dropping = true;
      held = undefined;
    },
  };
}
