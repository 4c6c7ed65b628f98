import type { parseArgs as ParseArgs } from 'node:util';
import { type AspectRatio, parseCreateVideoOptions } from '../create-video-options.ts';
import { JimengError } from '../errors.ts';
import { assertTaskId } from '../task-id.ts';
import { MAX_TIMER_MS } from '../timer-queue.ts';
import { MIN_INTERVAL_MS } from '../wait-for-task.ts';

export const USAGE = `Usage:
  jimeng task <id> [--wait] [--out clip.mp4] [--json] [--timeout 15m]
  jimeng create "<prompt>" [--aspect 16:9] [--seed N] [--image URL]... [--wait] [--out clip.mp4] [--json]

Environment:
  JIMENG_TOKEN      the provider's API key (required)
  JIMENG_BASE_URL   the API base URL (default https://api.gpt.ge)

Options:
  --wait            follow the task until it is done (status on stderr)
  --out FILE        download the finished video to FILE (implies --wait)
  --json            print the task as JSON on stdout
  --timeout T       give up on the submit, the wait or the download after T
                    (e.g. 90s, 15m; default 15m with --wait, 5m to download, else 1m)
  --interval T      first wait between queries (default 1s)
  -h, --help        show this help
  -v, --version     show the version`;

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'task'; id: string; flags: CommonFlags }
  | {
      kind: 'create';
      prompt: string;
      aspectRatio: string | undefined;
      seed: number | undefined;
      imageUrls: string[];
      flags: CommonFlags;
    };

export interface CommonFlags {
  wait: boolean;
  out: string | undefined;
  json: boolean;
  timeoutMs: number | undefined;
  intervalMs: number | undefined;
}

/**
 * Turns argv (without the runtime and script) into a command, or a usage error. `parseArgs` is
 * node:util's, handed in by the entry so this file itself touches no runtime.
 */
export function parseCommand(argv: string[], parseArgs: typeof ParseArgs): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv, parseArgs);
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [name, arg, ...rest] = positionals;
  if (rest.length) throw usage(`unexpected argument ${JSON.stringify(rest[0])}`);
  // `--out "$OUT"` with OUT unset: ignoring it would submit a billed task and save nothing.
  if (values.out === '') throw usage('--out needs a file name');
  const flags: CommonFlags = {
    wait: Boolean(values.wait || values.out),
    out: values.out,
    json: Boolean(values.json),
    timeoutMs:
      values.timeout === undefined ? undefined : parseDuration(values.timeout, '--timeout'),
    intervalMs: values.interval === undefined ? undefined : parseInterval(values.interval),
  };
  if (name === 'task') {
    if (arg === undefined) throw usage('jimeng task needs a task id');
    // An InvalidTaskIdError as it is: its code is what scripts switch on, and runCli counts
    // anything thrown here as a usage mistake.
    return { kind: 'task', id: assertTaskId(arg), flags };
  }
  if (name === 'create') {
    if (arg === undefined) throw usage('jimeng create needs a prompt');
    let seed: number | undefined;
    if (values.seed !== undefined) {
      if (!/^-?\d+$/.test(values.seed)) throw usage('--seed must be an integer');
      seed = Number(values.seed);
    }
    const imageUrls = values.image ?? [];
    try {
      // The client checks these again, but its refusal would read as a failure (exit 1), not
      // as the command line's mistake.
      parseCreateVideoOptions({
        prompt: arg,
        aspectRatio: values.aspect as AspectRatio | undefined,
        seed,
        imageUrls: imageUrls.length ? imageUrls : undefined,
      });
    } catch (error) {
      throw usage(error instanceof Error ? error.message : String(error));
    }
    return { kind: 'create', prompt: arg, aspectRatio: values.aspect, seed, imageUrls, flags };
  }
  // `jimeng $cmd --json` with cmd unset must not pass help text off as a result.
  if (name === undefined) throw usage('jimeng needs a command: task or create');
  throw usage(`unknown command ${JSON.stringify(name)}`);
}

function parse(argv: string[], parseArgs: typeof ParseArgs) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      wait: { type: 'boolean' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      aspect: { type: 'string' },
      seed: { type: 'string' },
      image: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** "90", "90s", "1.5m", "500ms", "1h" -> milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw usage(`${flag} takes a duration like 90s or 15m, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const ms = Number(match[1]) * unit;
  if (!(ms > 0)) throw usage(`${flag} must be positive`);
  // Timers hold at most 2^31-1 ms (24.8 days); a longer one fires at once, a timeout at once.
  if (ms > MAX_TIMER_MS) throw usage(`${flag} must be at most 596h, got ${JSON.stringify(text)}`);
  return ms;
}

function parseInterval(text: string): number {
  const ms = parseDuration(text, '--interval');
  if (ms < MIN_INTERVAL_MS) {
    throw usage(`--interval must be at least ${MIN_INTERVAL_MS}ms, got ${JSON.stringify(text)}`);
  }
  return ms;
}

/** A mistake in the command line itself: exit code 2, and the hint to read --help. */
export class UsageError extends JimengError {
  override name = 'UsageError' as const;
  readonly code = 'invalid_request' as const;
}

function usage(message: string): UsageError {
  // node:util's messages can span lines and end in their own period: a failure is one line.
  const line = message.replace(/\s*\n\s*/g, ' ').replace(/\.+$/, '');
  return new UsageError(`${line}. Run jimeng --help for usage.`);
}
