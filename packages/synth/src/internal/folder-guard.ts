import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CSV_FILE, FpdbError, IMAGE_NAME_PATTERN, IMAGES_DIR } from '@fpdb/schema';
import { SYNTH_MARKER_FILE, type SynthMarker } from './synth-marker.js';

async function readMarker(dir: string): Promise<SynthMarker | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, SYNTH_MARKER_FILE), 'utf8')) as Partial<SynthMarker>;
    return parsed.generator === '@fpdb/synth' ? (parsed as SynthMarker) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dir` ready for a new synthetic dataset. An empty or missing folder is used as is; a previous
 * synth output (it has the marker) is cleared of what synth wrote (CSV, marker, Images/*.png with
 * release names); any other non-empty folder is refused unless `overwrite` is set, in which case
 * files are written over it and nothing else is removed.
 * @throws FpdbError FPDB_OUTPUT_NOT_EMPTY
 */
export async function prepareOutputDir(dir: string, overwrite: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  const marker = await readMarker(dir);
  if (!marker) {
    if (overwrite) return;
    throw new FpdbError(
      'FPDB_OUTPUT_NOT_EMPTY',
      `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and is not a previous fpdb synth output. ` +
        'Choose an empty or new folder, or pass { overwrite: true } (CLI: --force) to write into it anyway.',
      { details: { file: dir, value: entries.slice(0, 10) } },
    );
  }
  const images = join(dir, IMAGES_DIR);
  let names: string[] = [];
  try {
    names = await readdir(images);
  } catch {
    // no Images/ folder: nothing to clear there
  }
  for (const name of names) {
    if (name.endsWith('.png') && IMAGE_NAME_PATTERN.test(name.slice(0, -4))) await rm(join(images, name), { force: true });
  }
  await rmdir(images).catch(() => undefined);
  await rm(join(dir, CSV_FILE), { force: true });
  await rm(join(dir, SYNTH_MARKER_FILE), { force: true });
}

/** Writes the marker file. */
export async function writeMarker(dir: string, marker: SynthMarker): Promise<void> {
  await writeFile(join(dir, SYNTH_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}
