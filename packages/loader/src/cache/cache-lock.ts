import { open, readFile, rm } from 'node:fs/promises';
import { FpdbError } from '@fpdb/schema';

/** How long to wait for another process's build of the same cache before giving up (default 30 min). */
const WAIT_MS = 30 * 60_000;
const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the build lock of one cache file (`<file>.lock`, holding the builder's pid), waiting while
 * another live process holds it; a lock left by a dead process is taken over. Two runs that build
 * the same cache at once thus take turns instead of writing the same partial file.
 * @returns a function that releases the lock.
 * @throws FpdbError FPDB_CACHE when the lock is still held after the wait, or `signal` fires (FPDB_ABORTED).
 */
export async function lockCache(file: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.write(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && !alive(holder)) {
      await rm(lock, { force: true });
      continue;
    }
    if (signal?.aborted) throw new FpdbError('FPDB_ABORTED', `Stopped while waiting for another build of ${file}.`, { details: { file } });
    if (Date.now() > deadline) {
      throw new FpdbError('FPDB_CACHE', `${lock} has been held by process ${holder || '?'} for over 30 minutes. If no other fpdb run is building this cache, delete the lock file.`, {
        details: { file: lock },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
