import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../bot/jobs/job.ts';
import { createFileJobStore } from '../../bot/jobs/store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jimeng-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function job(id: string, createdAt = 0): Job {
  return {
    id,
    kind: 'result',
    taskId: '14117763723766220057',
    create: null,
    phase: 'following',
    userId: 'u',
    channelId: 'c',
    guildId: 'g',
    inThread: false,
    applicationId: 'a',
    interactionToken: 'secret',
    tokenExpiresAt: 1,
    appPermissions: null,
    attachmentSizeLimit: 10,
    createdAt,
    requestId: null,
  };
}

describe('the file job store', () => {
  it('keeps jobs across instances, oldest first, and forgets removed ones', async () => {
    const store = createFileJobStore(dir);
    await store.put(job('2', 20));
    await store.put(job('1', 10));
    await store.put({ ...job('3', 30) });
    await store.remove('3');
    const again = createFileJobStore(dir);
    expect((await again.list()).map((j) => j.id)).toEqual(['1', '2']);
    // Ids stay strings: never rounded through a number.
    expect((await again.list())[0]?.taskId).toBe('14117763723766220057');
  });

  it('the last write wins even when writes are not awaited, and no temp file is left', async () => {
    const store = createFileJobStore(dir);
    const writes = Array.from({ length: 20 }, (_, i) => store.put({ ...job('9'), createdAt: i }));
    void store.remove('9');
    const last = store.put({ ...job('9'), createdAt: 99 });
    await Promise.all([...writes, last]);
    await store.flush();
    expect((await store.list()).map((j) => j.createdAt)).toEqual([99]);
    expect(await readdir(join(dir, 'jobs'))).toEqual(['9.json']);
  });

  it('files are readable by their owner only (they hold interaction tokens)', async () => {
    const store = createFileJobStore(dir);
    await store.put(job('5'));
    const { mode } = await stat(join(dir, 'jobs', '5.json'));
    expect(mode & 0o077).toBe(0);
    expect(await readFile(join(dir, 'jobs', '5.json'), 'utf8')).toContain('"id":"5"');
  });

  it('a broken file is skipped, the others still load', async () => {
    const store = createFileJobStore(dir);
    await store.put(job('6'));
    await writeFile(join(dir, 'jobs', '7.json'), '{"id":');
    expect((await store.list()).map((j) => j.id)).toEqual(['6']);
  });

  it('refuses ids that could address another path', async () => {
    const store = createFileJobStore(dir);
    await expect(store.put(job('../x'))).rejects.toThrow('Unusable job id');
  });
});
