import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { SYNTH_MARKER_FILE } from '@fpdb/synth';

/**
 * Whether a data folder is synthetic: it carries @fpdb/synth's marker file. A run reports such a folder
 * as synthetic however it was passed (`--data` or the default), so no synthetic number reads as real.
 */
export async function dataKindOf(root: string): Promise<'synthetic' | 'release'> {
  try {
    await access(join(root, SYNTH_MARKER_FILE));
    return 'synthetic';
  } catch {
    return 'release';
  }
}
