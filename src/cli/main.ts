#!/usr/bin/env node
// The CLI's only contact with its runtime: argv, env, stdio, files and Ctrl-C. Node, Bun and
// Deno all provide these through their Node compatibility, so one entry serves all three.
import { constants } from 'node:fs';
import { access, chmod, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { runCli } from './run.ts';
import { isStdoutPath } from './stdout-path.ts';
import { VERSION } from './version.ts';

// A reader that has seen enough (`| grep -q`, `| head`) closes the pipe: nothing is left to say.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const controller = new AbortController();
// Exit as shells report a signal, 128 + its number: 130 for Ctrl-C, 143 for a SIGTERM.
const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
let signalExitCode: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    signalExitCode = signalExitCodes[signal];
    controller.abort();
  });
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  parseArgs,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  writeFile: saveFile,
  checkWritable: async (path) => {
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new Error('it is a directory');
    if (existing) return access(path, constants.W_OK);
    // `clips/` names a folder, and a writable file is no folder to create one in: both
    // would pass the access check below, then fail only after the billed submit.
    if (path.endsWith('/') || path.endsWith(sep))
      throw new Error('it names a directory, not a file');
    const folder = dirname(resolve(path));
    if (!(await stat(folder)).isDirectory()) throw new Error(`${folder} is not a directory`);
    await access(folder, constants.W_OK);
  },
  signal: controller.signal,
  version: VERSION,
});
process.exitCode = code === 130 ? (signalExitCode ?? code) : code;

/**
 * Writes beside the target, then renames over it: a save that fails halfway (a full disk, a
 * file size limit) leaves the file that was there before, never half a video. Our own stdout
 * goes through its stream; other devices and pipes are written directly: nothing to rename over.
 */
async function saveFile(path: string, bytes: Uint8Array): Promise<void> {
  if (isStdoutPath(path)) {
    return new Promise((resolve, reject) =>
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) return writeFile(path, bytes);
  // A symlink is saved through, as a plain write would: renaming over it would replace the link.
  const target = existing ? await realpath(path) : path;
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.part`);
  try {
    await writeFile(partial, bytes);
  } catch (error) {
    await rm(partial, { force: true });
    // A writable file in a folder we may not add to: writing it in place is the only way.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (existing && ['EACCES', 'EPERM', 'EROFS'].includes(code)) return writeFile(target, bytes);
    throw naming(error, partial, path);
  }
  try {
    // The new file takes the old one's permissions: a 0600 clip must not come back 0644.
    if (existing) await chmod(partial, existing.mode & 0o7777);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw naming(error, partial, path);
  }
}

/** The error as the user should read it: about the path they gave, not our temporary file. */
function naming(error: unknown, partial: string, path: string): unknown {
  if (error instanceof Error) error.message = error.message.replaceAll(partial, path);
  return error;
}
