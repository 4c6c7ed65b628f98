import type { parseArgs as ParseArgs } from 'node:util';
import { createClient, type JimengClient } from '../client.ts';
import type { Clock } from '../clock.ts';
import { isJimengError } from '../errors.ts';
import { isHttpURL } from '../http-url.ts';
import { mib } from '../mib.ts';
import type { Task } from '../task.ts';
import { type Command, type CommonFlags, parseCommand, USAGE, UsageError } from './args.ts';
import { createStatusLine } from './status-line.ts';
import { isStdoutPath } from './stdout-path.ts';

/** Everything the CLI needs from its runtime, so the logic itself runs anywhere. */
export interface CliIO {
  env: Record<string, string | undefined>;
  parseArgs: typeof ParseArgs;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  writeFile: (path: string, bytes: Uint8Array) => Promise<void>;
  /** Rejects, saying why, when `writeFile(path)` could not succeed: checked before anything is sent. */
  checkWritable?: (path: string) => Promise<void>;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  version: string;
}

/** Runs one command; resolves with the process exit code and never rejects. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, io.parseArgs);
  } catch (error) {
    // Whatever is wrong with the command line itself (a bad id included) is a usage mistake.
    return fail(io, error, true);
  }
  if (command.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    io.stdout(`${io.version}\n`);
    return 0;
  }
  const token = io.env.JIMENG_TOKEN?.trim();
  if (!token) {
    return fail(
      io,
      new UsageError(
        'JIMENG_TOKEN is not set: export your API key first (npm start shows a demo without one)',
      ),
    );
  }
  const baseURL = io.env.JIMENG_BASE_URL?.trim() || undefined;
  if (baseURL && !isHttpURL(baseURL)) {
    return fail(
      io,
      new UsageError(
        // Its value is not shown: a key pasted into the wrong variable would end up in logs.
        'JIMENG_BASE_URL must be an http:// or https:// URL: set it like https://api.gpt.ge, or unset it',
      ),
    );
  }
  try {
    if (command.flags.out) await checkOut(command.flags.out, io);
    const client = createClient({ token, baseURL, fetch: io.fetch, clock: io.clock });
    const id = command.kind === 'task' ? command.id : await submit(client, command, io);
    // The id alone is the result of a bare create: `id=$(jimeng create …)` must get just that.
    if (command.kind === 'create' && !command.flags.wait && !command.flags.json) return 0;
    let task: Task;
    try {
      task = await follow(client, id, command.flags, io);
    } catch (error) {
      // A bare `create --json`: the submit went through and is billed, so its id is the
      // result, whatever the query after it says. Exit 1 would tell a script to submit again.
      const bareCreate = command.kind === 'create' && !command.flags.wait && !command.flags.out;
      if (!bareCreate || io.signal?.aborted) throw error;
      const why = isJimengError(error) ? `${error.message} [${error.code}]` : String(error);
      io.stderr(`jimeng: submitted task ${id}, but could not query it yet: ${why}\n`);
      io.stdout(`${JSON.stringify({ id }, null, 2)}\n`);
      return 0;
    }
    if (command.flags.out) await save(client, task, command.flags.out, command.flags.timeoutMs, io);
    // The video is the output: text after it would corrupt it.
    if (isStdoutPath(command.flags.out)) return 0;
    io.stdout(command.flags.json ? `${JSON.stringify(task, null, 2)}\n` : describe(task));
    return 0;
  } catch (error) {
    return fail(io, error);
  }
}

async function submit(
  client: JimengClient,
  command: Extract<Command, { kind: 'create' }>,
  io: CliIO,
) {
  const created = await client.createVideo(
    {
      prompt: command.prompt,
      aspectRatio: command.aspectRatio as never,
      seed: command.seed,
      imageUrls: command.imageUrls.length ? command.imageUrls : undefined,
    },
    { signal: io.signal, timeoutMs: command.flags.timeoutMs },
  );
  io.stderr(`submitted task ${created.taskId}\n`);
  if (!command.flags.wait && !command.flags.json) io.stdout(`${created.taskId}\n`);
  return created.taskId;
}

async function follow(
  client: JimengClient,
  id: string,
  flags: CommonFlags,
  io: CliIO,
): Promise<Task> {
  if (!flags.wait) return client.getTask(id, { signal: io.signal, timeoutMs: flags.timeoutMs });
  const now = io.clock?.now ?? (() => Date.now());
  const status = createStatusLine({ write: io.stderr, isTTY: liveTerminal(io) }, now);
  try {
    return await client.waitForTask(id, {
      signal: io.signal,
      timeoutMs: flags.timeoutMs,
      intervalMs: flags.intervalMs,
      onUpdate: (task) => status.task(task),
    });
  } finally {
    status.end();
  }
}

/** A submit is billed and a wait takes minutes: a file that cannot be written must fail first. */
async function checkOut(path: string, io: CliIO) {
  try {
    await io.checkWritable?.(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `--out ${JSON.stringify(path)} cannot be written: ${reason}. Nothing was sent`,
    );
  }
}

async function save(
  client: JimengClient,
  task: Task,
  path: string,
  timeoutMs: number | undefined,
  io: CliIO,
) {
  const now = io.clock?.now ?? (() => Date.now());
  const progress = createStatusLine({ write: io.stderr, isTTY: liveTerminal(io) }, now);
  let shownPercent = -1;
  try {
    const video = await client.downloadVideo(task, {
      signal: io.signal,
      // Like the submit and each query: `--timeout 30s` must not sit on a hung host for minutes.
      timeoutMs,
      onProgress: ({ received, total }) => {
        const percent = total ? Math.floor((received / total) * 10) * 10 : -1;
        if (percent === shownPercent && !liveTerminal(io)) return;
        shownPercent = percent;
        progress.show(
          `downloading ${kib(received)}${total ? ` of ${kib(total)} (${Math.floor((received / total) * 100)}%)` : ''}`,
        );
      },
    });
    try {
      await io.writeFile(path, video.bytes);
    } catch (error) {
      // The video is downloaded and its link dies within the hour: say where it still is.
      const reason = error instanceof Error ? error.message : String(error);
      throw new SaveFailed(
        `Could not save the video to ${path} (${reason}). The video is at ${task.videoUrl} until ${task.videoUrlExpiresAt}.`,
      );
    }
    progress.end();
    io.stderr(`saved ${kib(video.size)} to ${path}\n`);
  } finally {
    progress.end();
  }
}

function describe(task: Task): string {
  const lines = [
    `task    ${task.id}`,
    `status  ${task.status}${task.status === 'unknown' ? ` (${task.upstreamStatus})` : ''}`,
  ];
  if (task.videoUrl) lines.push(`video   ${task.videoUrl}`, `expires ${task.videoUrlExpiresAt}`);
  const p = task.params;
  if (p?.prompt) lines.push(`prompt  ${p.prompt}`);
  if (p) {
    const facts = [
      p.width && p.height ? `${p.width}x${p.height}` : null,
      p.durationSeconds ? `${p.durationSeconds} s` : null,
      p.fps ? `${p.fps} fps` : null,
      p.seed !== null ? `seed ${p.seed}` : null,
    ].filter(Boolean);
    if (facts.length) lines.push(`format  ${facts.join(' · ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Whether stderr can take a live line. A dumb terminal (TERM=dumb: Emacs M-x shell, some CI
 * consoles) prints the line-clearing escape as garbage: it gets plain lines, like a pipe.
 */
function liveTerminal(io: CliIO): boolean {
  return io.stderrIsTTY && io.env.TERM !== 'dumb';
}

/** A local file could not be written: not the provider's doing, so no JimengError code. */
class SaveFailed extends Error {
  override name = 'SaveFailed';
}

function fail(io: CliIO, error: unknown, usage = error instanceof UsageError): number {
  if (error instanceof SaveFailed) {
    io.stderr(`jimeng: ${error.message}\n`);
    return 1;
  }
  if (isJimengError(error)) {
    io.stderr(`jimeng: ${error.message} [${error.code}]\n`);
    return usage ? 2 : error.code === 'aborted' ? 130 : 1;
  }
  io.stderr(
    `jimeng: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  return 1;
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : mib(bytes);
}
