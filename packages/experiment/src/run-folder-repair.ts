import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A file `writeAtomic` left half-written: `<name>.tmp-<pid>`. */
const TEMP_FILE = /\.tmp-\d+$/;
/** A checkpoint save's sibling folders (`saveCheckpoint`): `.<name>.tmp-<pid>-<ms>-<n>` (being written), `.<name>.old-<pid>-<ms>-<n>` (the previous one, set aside during the swap). */
const CHECKPOINT_SIBLING = /^\.(.+)\.(tmp|old)-(\d+)-(\d+)-(\d+)$/;

const entries = (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);

/**
 * Tidies a run folder that a killed run left behind, before another run takes it over (the caller holds
 * its lock, so no live process writes there): report files half-written (`*.tmp-<pid>`) are removed;
 * in `checkpoints/`, a save killed between its two renames left `<name>` missing and the previous
 * checkpoint set aside, which is put back (the newest one), and every other set-aside or half-written
 * checkpoint folder is removed. Without this they stay in the folder for good, and a finished run whose
 * `last` was mid-swap never gets `checkpoints/last` back (it trains no more epochs to write it).
 * @returns the paths removed or put back, for tests.
 */
export async function repairRunFolder(out: string): Promise<string[]> {
  const touched: string[] = [];
  for (const dir of [out, join(out, 'figures')]) {
    for (const e of await entries(dir)) {
      if (!e.isFile() || !TEMP_FILE.test(e.name)) continue;
      await rm(join(dir, e.name), { force: true });
      touched.push(join(dir, e.name));
    }
  }
  const checkpoints = join(out, 'checkpoints');
  const listed = await entries(checkpoints);
  const present = new Set(listed.filter((e) => e.isDirectory()).map((e) => e.name));
  const siblings = listed
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, match: CHECKPOINT_SIBLING.exec(e.name) }))
    .filter((s): s is { name: string; match: RegExpExecArray } => s.match !== null)
    // Newest first: by the save's clock, then its counter (the PID says nothing about order).
    .sort((a, b) => Number(b.match[4]) - Number(a.match[4]) || Number(b.match[5]) - Number(a.match[5]));
  for (const { name, match } of siblings) {
    const target = match[1]!;
    if (match[2] === 'old' && !present.has(target)) {
      await rename(join(checkpoints, name), join(checkpoints, target));
      present.add(target);
    } else {
      await rm(join(checkpoints, name), { recursive: true, force: true });
    }
    touched.push(join(checkpoints, name));
  }
  return touched;
}
