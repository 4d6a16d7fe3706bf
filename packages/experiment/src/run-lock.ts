import { join } from 'node:path';
import { describeHolder, tryLock } from '@fpdb/loader/node';
import { FpdbError } from '@fpdb/schema';

/** The lock file of a run folder, held while a run trains into it. */
export const RUN_LOCK_FILE = '.fpdb-run.lock';

/**
 * Takes a run folder for this process: two runs training into one folder would overwrite each other's
 * checkpoints and reports. A lock left by a process that is gone (killed, or before a restart) is taken over.
 * @returns a function that releases the folder.
 * @throws FpdbError FPDB_OUTPUT_NOT_EMPTY when another live process is training into `out`, naming it.
 */
export async function lockRunFolder(out: string): Promise<() => Promise<void>> {
  const lock = join(out, RUN_LOCK_FILE);
  const attempt = await tryLock(lock);
  if (attempt.taken) return attempt.release;
  throw new FpdbError(
    'FPDB_OUTPUT_NOT_EMPTY',
    `${describeHolder(attempt.holder)} is training into ${out}. Wait for it to finish or choose another --out; if no fpdb run is using the folder, delete ${lock}.`,
    { details: { file: lock, value: attempt.holder } },
  );
}
