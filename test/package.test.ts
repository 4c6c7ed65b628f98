import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { WORKER_BUILD_OPTIONS } from '../edge/dev.ts';
import packageJson from '../package.json' with { type: 'json' };
import { root, runtimes } from './runtimes.ts';

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
