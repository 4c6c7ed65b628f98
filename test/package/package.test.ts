import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { WORKER_BUILD_OPTIONS } from '../../edge/dev.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { createSimulator, FIXTURE_TASK_ID, SIMULATOR_TOKEN } from '../../src/simulator/index.ts';
import { serveSimulator } from '../../src/simulator/serve.ts';
import { root, runtimes } from '../runtimes.ts';

const script = `
  const core = await import('jimeng-task');
  const sim = await import('jimeng-task/simulator');
  const serve = await import('jimeng-task/simulator/serve');
  const bot = await import('jimeng-task/bot');
  console.log([typeof core.createClient, typeof core.JimengError, typeof sim.createSimulator, typeof serve.serveSimulator, typeof bot.startBot].join(','));
`;

describe('the package as others import it', () => {
  it.each([
    ['Node 20 (dist)', runtimes.node20, ['--input-type=module', '-e', script]],
    ['Bun (source)', runtimes.bun, ['-e', script]],
    ['Deno (source)', runtimes.deno, ['eval', script]],
  ])('%s resolves jimeng-task, its simulator, the serve helper and the bot', (_name, cmd, args) => {
    const out = execFileSync(cmd, args as string[], { cwd: root, encoding: 'utf8' }).trim();
    expect(out).toBe('function,function,function,function,function');
  });

  it('bundles jimeng-task/edge for workerd as wrangler would', async () => {
    const result = await build({
      ...WORKER_BUILD_OPTIONS,
      stdin: { contents: "export { createApp } from 'jimeng-task/edge';", resolveDir: root },
    });
    expect(result.outputFiles[0]?.text).toContain('createApp');
  });

  it('ships types for every entry and a bin that exists', () => {
    for (const entry of Object.values(packageJson.exports)) {
      if (typeof entry === 'string') continue;
      expect(existsSync(join(root, entry.types))).toBe(true);
      expect(existsSync(join(root, entry.default))).toBe(true);
    }
    expect(existsSync(join(root, packageJson.bin.jimeng))).toBe(true);
  });
});

describe('the jimeng bin, installed from the packed tarball', () => {
  // Async: the simulator answering the CLI lives in this process, so nothing may block it.
  const run = promisify(execFile);

  it('runs with npx and with bunx (on Node and on Bun), and queries a task', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jimeng-installed-'));
    const server = await serveSimulator(createSimulator());
    try {
      // dist is already built (npm test builds first); prepare would only build it again.
      await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
        cwd: root,
      });
      writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true,"type":"module"}');
      await run(
        'npm',
        [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          `./jimeng-task-${packageJson.version}.tgz`,
        ],
        { cwd: dir },
      );
      const env = { ...process.env, JIMENG_TOKEN: SIMULATOR_TOKEN, JIMENG_BASE_URL: server.url };
      const query = ['task', FIXTURE_TASK_ID, '--json'];
      for (const [cmd, args] of [
        ['npx', ['--no-install', 'jimeng', ...query]],
        [runtimes.bun, ['x', 'jimeng', ...query]],
        [runtimes.bun, ['x', '--bun', 'jimeng', ...query]],
      ] as const) {
        const { stdout } = await run(cmd, [...args], { cwd: dir, env });
        expect(JSON.parse(stdout)).toMatchObject({ id: FIXTURE_TASK_ID, status: 'done' });
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
