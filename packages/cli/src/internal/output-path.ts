import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FpdbError } from '@fpdb/schema';

type Kind = 'folder' | 'file';

async function kindOf(path: string): Promise<'folder' | 'file' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    // ENOTDIR: a parent is a file, which the walk up reports.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Checks, before any work, that `path` (given with `flag`) can be written as a `kind`: it is absent or
 * of that kind, its nearest existing parent is a folder, and that folder is writable. Creates nothing,
 * so a command refused later leaves no empty folder behind.
 * @throws FpdbError FPDB_OUTPUT_NOT_EMPTY when the path exists as the other kind, FPDB_INVALID_ARGUMENT
 * when it cannot be created (a parent is a file, or not writable).
 * @example await checkOutputPath(values.out, '--out', 'folder')
 */
export async function checkOutputPath(path: string, flag: string, kind: Kind): Promise<void> {
  const abs = resolve(path);
  const found = await kindOf(abs);
  if (found !== undefined && found !== kind) {
    throw new FpdbError(
      'FPDB_OUTPUT_NOT_EMPTY',
      kind === 'folder' ? `${path} is a file, not a folder. Pass a new or empty folder to ${flag}.` : `${path} is a folder, not a file. Pass a file path to ${flag}, e.g. ${path}/out.png.`,
      { details: { file: abs, flag } },
    );
  }
  let dir = found === undefined ? dirname(abs) : abs;
  let dirKind = await kindOf(dir);
  while (dirKind === undefined && dirname(dir) !== dir) {
    dir = dirname(dir);
    dirKind = await kindOf(dir);
  }
  if (dirKind === 'file') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${path} cannot be created: ${dir} is a file, not a folder. Pass another path to ${flag}.`, { details: { file: abs, flag, parent: dir } });
  }
  try {
    await access(dir, constants.W_OK);
  } catch (cause) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `${path} cannot be written: ${dir} is not writable (${(cause as NodeJS.ErrnoException).code}). Pass another path to ${flag}, or fix its permissions.`,
      {
        cause,
        details: { file: abs, flag, parent: dir },
      },
    );
  }
}
