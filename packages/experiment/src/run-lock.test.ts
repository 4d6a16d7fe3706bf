import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_LOCK_FILE, lockRunFolder } from './run-lock.js';

describe('lockRunFolder', () => {
  it('lets one process train into a folder at a time, and releases it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-run-lock-'));
    const release = await lockRunFolder(out);
    // Another live process holds it: this test's parent process stands in for a second run.
    const lock = JSON.parse(await readFile(join(out, RUN_LOCK_FILE), 'utf8'));
    await writeFile(join(out, RUN_LOCK_FILE), JSON.stringify({ ...lock, pid: process.ppid, startTime: undefined }));
    await expect(lockRunFolder(out)).rejects.toMatchObject({ code: 'FPDB_OUTPUT_NOT_EMPTY', message: expect.stringContaining(`process ${process.ppid}`) });
    await release();
    await (await lockRunFolder(out))();
  });

  it('takes over the lock of a process that is gone', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-run-lock-'));
    await writeFile(join(out, RUN_LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const release = await lockRunFolder(out);
    await release();
  });
});
