import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { VERSION } from '../../src/cli/version.ts';
import { createSimulator, FIXTURE_TASK_ID, SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import { sampleVideo } from '../../src/simulator/sample-video.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { root, runtimes } from '../runtimes.ts';

const sim = createSimulator({ durationMs: 600 });
let server: Awaited<ReturnType<typeof serveSimulator>>;
let dir: string;
beforeAll(async () => {
  server = await serveSimulator(sim);
  dir = await mkdtemp(join(tmpdir(), 'jimeng-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => sim.reset());

/** A clean environment pointing the CLI at this file's simulator, plus `extra`. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    JIMENG_TOKEN: SIMULATOR_TOKEN,
    JIMENG_BASE_URL: server.url,
    ...extra,
  };
}

/**
 * The published entry (dist, on the system Node 20) unless a runtime is named. With
 * `fileSizeLimitKiB` it runs under `ulimit -f`, as on a disk that fills up mid-write.
 */
function jimeng(
  args: string[],
  env: Record<string, string> = {},
  runtime = 'node20',
  fileSizeLimitKiB?: number,
) {
  const [cmd, pre] =
    runtime === 'node20'
      ? [runtimes.node20, [join(root, 'dist/src/cli/main.js')]]
      : runtime === 'bun'
        ? [runtimes.bun, [join(root, 'src/cli/main.ts')]]
        : runtime === 'deno'
          ? [runtimes.deno, ['run', '-A', join(root, 'src/cli/main.ts')]]
          : [runtimes.node22, [join(root, 'src/cli/main.ts')]];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const command = [cmd, ...pre, ...args];
    const limited =
      fileSizeLimitKiB === undefined
        ? command
        : ['bash', '-c', `ulimit -f ${fileSizeLimitKiB} && exec "$@"`, 'bash', ...command];
    const child = spawn(limited[0] as string, limited.slice(1), {
      cwd: root,
      env: cliEnv({ NO_COLOR: '1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('jimeng CLI', () => {
  it('prints a task for people, and as JSON for scripts, exit 0', async () => {
    const human = await jimeng(['task', FIXTURE_TASK_ID]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^task\s+14117763723766220057\nstatus\s+done\nvideo\s+http/);
    const json = await jimeng(['task', FIXTURE_TASK_ID, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: FIXTURE_TASK_ID, status: 'done' });
  });

  it('creates, waits with plain status lines off a TTY, and saves the exact video', async () => {
    const out = join(dir, 'clip.mp4');
    const run = await jimeng([
      'create',
      'a fox in the snow',
      '--aspect',
      '9:16',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^submitted task \d{20}\n/);
    expect(run.stderr).toMatch(/: queued · /);
    expect(run.stderr).toMatch(/: done · /);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).toMatch(/saved 6 KiB to .*clip\.mp4/);
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(sampleVideo()))).toBe(true);
    expect(run.stdout).toMatch(/prompt\s+a fox in the snow/);
    expect(sim.requests.find((r) => r.method === 'POST')?.path).toBe('/task/jimeng/text2video');
  });

  // util-linux `script` (Linux); the BSD one on macOS takes other arguments.
  const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
  it.skipIf(!hasScript)(
    'on a terminal with TERM=dumb, status comes as plain lines, with no escape codes',
    async () => {
      // `script` gives the CLI a real terminal for its stderr; a dumb one (Emacs M-x shell)
      // shows ESC[2K as garbage instead of clearing the line.
      const entry = join(root, 'dist/src/cli/main.js');
      const id = sim.addTask({ durationMs: 300 });
      const cmd = `"${runtimes.node20}" "${entry}" task ${id} --wait >/dev/null`;
      const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn('script', ['-qec', cmd, '/dev/null'], {
          cwd: root,
          env: cliEnv({ TERM: 'dumb' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.on('close', (code) => resolve({ code, output }));
      });
      expect(run.code).toBe(0);
      expect(run.output).toMatch(/: done · /);
      expect(run.output).not.toContain('\x1b');
      // The terminal turns each \n into \r\n; a \r of our own would be one without a \n.
      expect(run.output).not.toMatch(/\r(?!\n)/);
    },
  );

  it('fails with one line and a non-zero exit: failed task, bad id, no token, bad usage', async () => {
    const failed = await jimeng(['create', 'boom [fail]', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n').at(-1)).toMatch(
      /^jimeng: Task \d+ failed.*\[task_failed\]$/,
    );

    sim.reset();
    // A malformed id is the command line's mistake: exit 2, like any other usage mistake.
    const badId = await jimeng(['task', '../x']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(
      /^jimeng: Invalid task id "..\/x": it contains a slash\. \[invalid_task_id\]\n$/,
    );
    expect(sim.requests).toHaveLength(0);

    const noToken = await jimeng(['task', FIXTURE_TASK_ID], { JIMENG_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/JIMENG_TOKEN is not set/);

    const usage = await jimeng(['teleport']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command "teleport".*--help/);
  });

  it('--timeout bounds a single query too, not only --wait', async () => {
    sim.fault({ kind: 'hang', route: 'task', times: 10 });
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--timeout', '500ms']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^jimeng: Timed out after 500 ms while querying task \d+\..*\[timeout\]\n$/,
    );
  });

  it('--timeout bounds the download too: a video host that hangs does not hold it for minutes', async () => {
    sim.fault({ kind: 'hang', route: 'video', times: 10 });
    const out = join(dir, 'hung.mp4');
    const run = await jimeng(
      ['task', FIXTURE_TASK_ID, '--timeout', '500ms', '--out', out],
      {},
      'node22',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^jimeng: Timed out after 500 ms while downloading the video of task \d+.*\[timeout\]$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a --timeout beyond what a timer can hold is a usage mistake, not an instant timeout', async () => {
    const run = await jimeng(['create', 'a fox in the snow', '--wait', '--timeout', '1000h']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^jimeng: --timeout must be at most 596h, got "1000h"\..*\[invalid_request\]\n$/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('an --interval under the 100 ms floor is a usage mistake naming the flag, exit 2', async () => {
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--wait', '--interval', '50ms']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jimeng: --interval must be at least 100ms, got "50ms"/);
    expect(sim.requests).toHaveLength(0);
  });

  it('a flag value starting with a dash is refused in one line, exit 2', async () => {
    // node:util's own message for this spans three lines.
    const run = await jimeng(['create', 'a fox in the snow', '--seed', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^jimeng: Option '--seed' argument is ambiguous\. .*'--seed=-XYZ'\. Run jimeng --help for usage\. \[invalid_request\]\n$/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    ['an aspect ratio it does not offer', ['a fox', '--aspect', '7:3']],
    ['a seed over 32 bits', ['a fox', '--seed', '99999999999']],
    ['a prompt over 150 characters', ['x'.repeat(151)]],
  ])('create with %s is a usage mistake, exit 2, nothing sent', async (_, args) => {
    const run = await jimeng(['create', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jimeng: Invalid video request: .*--help.*\[invalid_request\]\n$/);
    expect(sim.requests).toHaveLength(0);
  });

  it('a JIMENG_BASE_URL that is not a URL is a usage mistake: one line, exit 2', async () => {
    const run = await jimeng(['task', FIXTURE_TASK_ID], { JIMENG_BASE_URL: 'api.gpt.ge' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^jimeng: JIMENG_BASE_URL must be an http:\/\/ or https:\/\/ URL.*\[invalid_request\]\n$/,
    );
    // URL would read it as http://api.gpt.ge/, but the client refuses it: so does the CLI, first.
    const noSlashes = await jimeng(['task', FIXTURE_TASK_ID], {
      JIMENG_BASE_URL: 'http:api.gpt.ge',
    });
    expect(noSlashes.code).toBe(2);
    expect(noSlashes.stderr).toMatch(/^jimeng: JIMENG_BASE_URL must be an http/);
  });

  it('a key put in JIMENG_BASE_URL by mistake is not printed', async () => {
    const secret = 'sk-swapped-into-the-wrong-variable';
    const run = await jimeng(['task', FIXTURE_TASK_ID], { JIMENG_BASE_URL: secret });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain(secret);
  });

  it('an --out that cannot be written is refused before the billed submit, exit 2', async () => {
    const out = join(dir, 'no-such-dir', 'fox.mp4');
    const run = await jimeng(['create', 'a fox in the snow', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^jimeng: --out ".*no-such-dir\/fox\.mp4" cannot be written: .*\[invalid_request\]\n$/,
    );
    expect(sim.requests).toHaveLength(0);

    const intoDir = await jimeng(['task', FIXTURE_TASK_ID, '--out', dir]);
    expect(intoDir.code).toBe(2);
    expect(intoDir.stderr).toMatch(/is a directory/);
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    ['a folder that does not exist yet (trailing slash)', 'new-folder/'],
    ['a path under a file', 'a-file/clip.mp4'],
  ])('an --out naming %s is refused before the billed submit, exit 2', async (_, out) => {
    await writeFile(join(dir, 'a-file'), 'not a folder');
    const run = await jimeng(['create', 'a fox in the snow', '--out', join(dir, out)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jimeng: --out ".*" cannot be written: .*Nothing was sent.*\n$/);
    expect(sim.requests).toHaveLength(0);
  });

  it('--out /dev/stdout into a pipe writes the video alone, with no task text after it', async () => {
    const child = spawn(
      runtimes.node20,
      [join(root, 'dist/src/cli/main.js'), 'task', FIXTURE_TASK_ID, '--out', '/dev/stdout'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, JIMENG_TOKEN: SIMULATOR_TOKEN, JIMENG_BASE_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).equals(Buffer.from(sampleVideo()))).toBe(true);
  });

  it('an empty --out (an unset $OUT) is a usage mistake, not a create that never downloads', async () => {
    const run = await jimeng(['create', 'a fox in the snow', '--out', '']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jimeng: --out needs a file name\..*\[invalid_request\]\n$/);
    expect(run.stdout).toBe('');
    expect(sim.requests).toHaveLength(0);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a disk that fills up while saving says so and gives the link, instead of "unexpected error"',
    async () => {
      const run = await jimeng(['task', FIXTURE_TASK_ID, '--out', '/dev/full']);
      expect(run.code).toBe(1);
      const line = run.stderr.trim().split('\n').at(-1) ?? '';
      expect(line).toMatch(/^jimeng: Could not save the video to \/dev\/full \(ENOSPC/);
      expect(line).toMatch(/The video is at http:\/\/\S+ until \d{4}-\d\d-\d\dT/);
    },
  );

  it('a save that fails halfway keeps the file that was there and leaves no partial video', async () => {
    const out = join(dir, 'kept.mp4');
    await writeFile(out, 'the clip saved yesterday');
    // 2 KiB allowed per file: the 6 KB sample cannot be written whole.
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--out', out], {}, 'node20', 2);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Could not save the video to \S*kept\.mp4 \(EFBIG/);
    expect(run.stderr).not.toMatch(/\.part/);
    expect(await readFile(out, 'utf8')).toBe('the clip saved yesterday');
    expect((await readdir(dir)).filter((name) => name.includes('kept'))).toEqual(['kept.mp4']);
  });

  it('an --out that is a symlink saves into the file it points to and stays a link', async () => {
    const target = join(dir, 'clips', 'latest-real.mp4');
    await mkdir(join(dir, 'clips'), { recursive: true });
    await writeFile(target, 'the clip saved yesterday');
    const link = join(dir, 'latest.mp4');
    await symlink(target, link);
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--out', link]);
    expect(run.code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(Buffer.from(await readFile(target)).equals(Buffer.from(sampleVideo()))).toBe(true);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while waiting cancels at once and exits %i', async (signal, code) => {
    const id = sim.addTask({ durationMs: 3_600_000 });
    const child = spawn(
      runtimes.node20,
      [join(root, 'dist/src/cli/main.js'), 'task', id, '--wait'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, JIMENG_TOKEN: SIMULATOR_TOKEN, JIMENG_BASE_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const waiting = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('queued')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waiting;
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^jimeng: Cancelled while .*\[aborted\]$/);
  });

  it.skipIf(spawnSync('chattr', ['--help']).error !== undefined)(
    'saving over a writable file in a folder that takes no new files writes it in place',
    async (context) => {
      const locked = join(dir, 'locked');
      await mkdir(locked);
      const out = join(locked, 'clip.mp4');
      await writeFile(out, 'old');
      // Immutable: no file can be added to the folder, even by root; its files stay writable.
      if (spawnSync('chattr', ['+i', locked]).status !== 0)
        context.skip('chattr +i is refused here');
      try {
        const run = await jimeng(['task', FIXTURE_TASK_ID, '--out', out]);
        expect(run.stderr).not.toMatch(/Could not save/);
        expect(run.code).toBe(0);
        expect(Buffer.from(await readFile(out)).equals(Buffer.from(sampleVideo()))).toBe(true);
      } finally {
        spawnSync('chattr', ['-i', locked]);
      }
    },
  );

  it('saving over an existing file keeps its permissions (a private clip stays private)', async () => {
    const out = join(dir, 'private.mp4');
    await writeFile(out, 'old');
    await chmod(out, 0o600);
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--out', out]);
    expect(run.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(sampleVideo()))).toBe(true);
  });

  it('create without --wait prints only the new task id on stdout, for $(jimeng create …)', async () => {
    const run = await jimeng(['create', 'a fox in the snow']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d{20}\n$/);
    expect(run.stderr).toBe(`submitted task ${run.stdout}`);
    expect(sim.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('create --json whose follow-up query fails still gives the new id on stdout and exits 0', async () => {
    // The submit went through and is billed: a script that retried on exit 1 would pay twice.
    sim.fault({ kind: 'code', code: 50215, status: 400, route: 'task' });
    const run = await jimeng(['create', 'a fox in the snow', '--json']);
    expect(run.code).toBe(0);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    expect(id).toMatch(/^\d{20}$/);
    expect(run.stderr).toContain(`submitted task ${id}`);
    expect(run.stderr).toMatch(/could not query it yet: .*\[api_error\]/);
  });

  it('a reader that stops early (| grep -q, | head) ends it quietly, not with an EPIPE trace', async () => {
    const child = spawn(
      runtimes.node20,
      [join(root, 'dist/src/cli/main.js'), 'task', FIXTURE_TASK_ID],
      {
        cwd: root,
        env: { PATH: process.env.PATH, JIMENG_TOKEN: SIMULATOR_TOKEN, JIMENG_BASE_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.destroy(); // the reader is gone before the result is written
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|node:events/);
    expect(code).toBe(0);
  });

  it('never prints the token, even when the provider refuses it', async () => {
    const secret = 'sk-very-secret-token-123';
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--json'], { JIMENG_TOKEN: secret });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[unauthorized\]/);
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it.each([[[]], [['--json']], [['--wait', '--out', 'clip.mp4']]])(
    'no command (%j) is a usage mistake, exit 2, not help text on stdout and success',
    async (args) => {
      const run = await jimeng(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^jimeng: .*task or create.*--help.*\[invalid_request\]\n$/);
    },
  );

  it('shows help and a version that matches package.json', async () => {
    const help = await jimeng(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/jimeng task <id>/);
    expect(VERSION).toBe(packageJson.version);
  });

  it.each(['node22', 'bun', 'deno'])('runs from source on %s', async (runtime) => {
    const run = await jimeng(['task', FIXTURE_TASK_ID, '--json'], {}, runtime);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe(FIXTURE_TASK_ID);
  });
});
