import {
  access,
  constants,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from './job.ts';

/** Pending jobs, kept where a restarted bot finds them. */
export interface JobStore {
  list(): Promise<Job[]>;
  put(job: Job): Promise<void>;
  remove(id: string): Promise<void>;
  /** Resolves once every write started so far has landed. */
  flush(): Promise<void>;
}

/**
 * One JSON file per job under `<dir>/jobs`, written to a temporary file and renamed over
 * the old one, so a crash mid-write leaves the previous version, never half a file. Plain
 * `node:fs/promises` only: the same code runs on Node and Bun with nothing to compile.
 */
export function createFileJobStore(dir: string): JobStore {
  const jobsDir = join(dir, 'jobs');
  const ready = mkdir(jobsDir, { recursive: true, mode: 0o700 });
  // Whoever awaits it next sees the failure; until then it must not crash the process.
  ready.catch(() => {});
  // Writes to one job are chained so an older version can never land after a newer one.
  const chains = new Map<string, Promise<void>>();
  let counter = 0;

  const fileOf = (id: string) => {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new Error(`Unusable job id ${JSON.stringify(id)}`);
    return join(jobsDir, `${id}.json`);
  };

  const enqueue = (id: string, write: () => Promise<void>) => {
    const previous = chains.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      await ready;
      await write();
    });
    const settled = next.catch(() => {});
    chains.set(id, settled);
    settled.then(() => {
      if (chains.get(id) === settled) chains.delete(id);
    });
    return next;
  };

  return {
    async list() {
      await ready;
      const jobs: Job[] = [];
      for (const name of await readdir(jobsDir)) {
        if (!name.endsWith('.json')) continue;
        try {
          jobs.push(JSON.parse(await readFile(join(jobsDir, name), 'utf8')) as Job);
        } catch {
          // A file another process is renaming, or one broken by hand: skip it, keep the rest.
        }
      }
      return jobs.sort((a, b) => a.createdAt - b.createdAt);
    },
    async put(job) {
      const file = fileOf(job.id);
      const text = JSON.stringify(job);
      return enqueue(job.id, async () => {
        const temp = `${file}.${process.pid}.${++counter}.tmp`;
        // The interaction token is in there: readable by the bot's user only.
        await writeFile(temp, text, { mode: 0o600 });
        await rename(temp, file);
      });
    },
    async remove(id) {
      const file = fileOf(id);
      return enqueue(id, () => rm(file, { force: true }));
    },
    async flush() {
      await Promise.all(chains.values());
    },
  };
}

/**
 * Creates `<dir>/jobs` if needed and checks the bot may write there, so an unusable data
 * directory is told at start in one line instead of failing the first job (or the process).
 */
export async function prepareJobsDir(dir: string): Promise<void> {
  const jobsDir = join(dir, 'jobs');
  await mkdir(jobsDir, { recursive: true, mode: 0o700 });
  await access(jobsDir, constants.W_OK | constants.X_OK);
}
