import { createHash } from 'node:crypto';
import { mkdir, realpath, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { FpdbError } from '@fpdb/schema';

/** The cache folder inside a dataset: `<root>/.fpdb-cache`. */
export const CACHE_DIR_NAME = '.fpdb-cache';

/** Where a cache lives, and why there. */
export interface CacheLocation {
  dir: string;
  /** True when `<root>/.fpdb-cache` was not writable and the user cache folder is used instead. */
  fallback: boolean;
  /** Why the fallback was taken (the error code of the dataset folder), when it was. */
  reason?: string;
}

async function writable(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}-${Date.now()}`);
    await writeFile(probe, '');
    await unlink(probe);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** fpdb's folder in the user cache: `$XDG_CACHE_HOME/fpdb`, default `~/.cache/fpdb`. Every user-level cache of fpdb lives under it. */
export function fpdbCacheHome(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fpdb');
}

/** The user-level cache folder for a dataset root: `$XDG_CACHE_HOME/fpdb/<name>-<hash>` (default `~/.cache`). */
export async function userCacheDir(root: string): Promise<string> {
  const real = await realpath(root).catch(() => resolve(root));
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 12);
  return join(fpdbCacheHome(), `${basename(real)}-${hash}`);
}

/**
 * Picks the cache folder: `dir` when given (must be writable), else `<root>/.fpdb-cache`, else (a
 * read-only dataset) the user cache folder, saying so in `fallback`/`reason`.
 * @param forWriting false to only compute where a cache would be read from (no folder is created).
 * @throws FpdbError FPDB_CACHE when no writable folder is found.
 */
export async function resolveCacheDir(root: string, dir?: string, forWriting = true): Promise<CacheLocation> {
  if (dir !== undefined) {
    const abs = resolve(dir);
    const problem = forWriting ? await writable(abs) : undefined;
    if (problem) throw new FpdbError('FPDB_CACHE', `Cache folder ${abs} is not writable (${problem}). Pass another folder or fix its permissions.`, { details: { file: abs } });
    return { dir: abs, fallback: false };
  }
  const inside = join(resolve(root), CACHE_DIR_NAME);
  const fallbackDir = await userCacheDir(root);
  if (!forWriting) return { dir: inside, fallback: false };
  const problem = await writable(inside);
  if (!problem) return { dir: inside, fallback: false };
  const second = await writable(fallbackDir);
  if (second) {
    throw new FpdbError('FPDB_CACHE', `Neither ${inside} (${problem}) nor ${fallbackDir} (${second}) is writable. Pass a writable cache folder.`, { details: { file: inside } });
  }
  return { dir: fallbackDir, fallback: true, reason: problem };
}
