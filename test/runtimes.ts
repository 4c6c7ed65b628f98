import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/**
 * The system Node (20 on this project's machines). npm scripts put node_modules/.bin, and so
 * the local Node 22, first on PATH: look past it.
 */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('No system node found on PATH');
}

export const runtimes = {
  node20: systemNode(),
  node22: bin('node'),
  bun: bin('bun'),
  deno: bin('deno'),
};

export function versionOf(executable: string): string {
  return execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
}
