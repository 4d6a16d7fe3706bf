import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CSV_FILE, FpdbError, IMAGES_DIR, isFpdbError, type ValidationIssue } from '@fpdb/schema';
import { mapPool } from '../internal/pool.js';
import type { MetadataMode } from '../metadata/parse-metadata.js';
import { streamMetadata } from '../metadata/read-metadata.js';
import { DEFAULT_MAX_PIXELS, PNG_HEADER_BYTES, checkPixelLimit, readPngHeader } from '../pixels/png-header.js';
import { createDataset, type Dataset, type ImageInfo } from './dataset.js';
import { checkInsideImages, imagePath } from './image-path.js';

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  /** The metadata file; default `<root>/FETAL_PLANES_DB_data.csv`. */
  csv?: string;
  /** CSV validation: `strict` (default) throws on any bad row, `lenient` drops bad rows and reports them in `check.metadataIssues`. */
  mode?: MetadataMode;
  /** Images named in the CSV but absent: `error` (default) throws FPDB_IMAGE_MISSING, `skip` works on the present ones. */
  missing?: 'error' | 'skip';
  /** Present images that fail the checks (not a PNG, truncated header, too large, symlink escape): `error` (default) or `skip`. */
  invalid?: 'error' | 'skip';
  /** PNGs in `Images/` that no row names: `error` (default, FPDB_CSV_MISMATCH) or `ignore` (listed in `check.extraFiles`). */
  extra?: 'error' | 'ignore';
  /** Read each image's PNG header (signature, size, pixel limit). Default true; false only checks existence. */
  checkHeaders?: boolean;
  /** Pixel limit for the header check; default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  /** Files checked at once; default 32. */
  concurrency?: number;
}

/** How many names an error message lists before "… and N more". */
const NAMES_IN_MESSAGE = 5;

async function readHeader(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(PNG_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, PNG_HEADER_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Opens a FETAL_PLANES_DB release folder (Node): reads and validates the CSV, checks that every named
 * image exists, stays inside `Images/` and has a sane PNG header, and returns a {@link Dataset}.
 * Works on the full release, on the repo's real fixture folder (60 of 12,400 images: pass
 * `missing: 'skip'`) and on synth output.
 * @throws FpdbError FPDB_DATASET_NOT_FOUND (no folder / no CSV / no Images/), FPDB_CSV_* (see parseMetadata),
 *   FPDB_IMAGE_MISSING (listing how many and the first few, with CSV lines), FPDB_IMAGE_NOT_PNG,
 *   FPDB_IMAGE_TOO_LARGE, FPDB_IMAGE_DECODE (truncated header), FPDB_PATH_ESCAPE, FPDB_CSV_MISMATCH (unlisted files).
 * @example
 * const ds = await openDataset('/data/FETAL_PLANES_DB', { missing: 'skip' });
 * console.log(ds.check.summary, ds.stats().byPlane);
 * const { train, test } = ds.officialSplit();
 */
export async function openDataset(root: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const { mode = 'strict', missing = 'error', invalid = 'error', extra = 'error', checkHeaders = true, maxPixels = DEFAULT_MAX_PIXELS, concurrency = 32 } = options;
  const absRoot = resolve(root);
  const rootStat = await stat(absRoot).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw new FpdbError('FPDB_DATASET_NOT_FOUND', `${absRoot} is not a folder. Pass the release folder (holding ${CSV_FILE} and ${IMAGES_DIR}/), or get it with \`fpdb download --out DIR\`.`, {
      details: { file: absRoot },
    });
  }
  const csvPath = resolve(absRoot, options.csv ?? CSV_FILE);
  // Streamed: the CSV text is never held whole (a 200 MB file costs its records, not its text).
  const readable = await stat(csvPath).then(
    (st) => (st.isFile() ? undefined : Object.assign(new Error('EISDIR'), { code: 'EISDIR' })),
    (cause: unknown) => cause,
  );
  if (readable !== undefined) {
    throw new FpdbError(
      'FPDB_DATASET_NOT_FOUND',
      `${csvPath} cannot be read (${(readable as NodeJS.ErrnoException).code ?? readable}). A release folder holds ${CSV_FILE} and ${IMAGES_DIR}/; pass { csv } if the file is elsewhere.`,
      {
        cause: readable,
        details: { file: csvPath },
      },
    );
  }
  const { result: meta, lines } = await streamMetadata(csvPath, { mode, file: csvPath });

  const imagesDir = join(absRoot, IMAGES_DIR);
  let listing: string[];
  let realImagesDir: string;
  try {
    listing = await readdir(imagesDir);
    realImagesDir = await realpath(imagesDir);
  } catch (cause) {
    throw new FpdbError('FPDB_DATASET_NOT_FOUND', `${imagesDir} is not a readable folder; the release keeps its PNGs there. Get them with \`fpdb download --out DIR\`.`, {
      cause,
      details: { file: imagesDir },
    });
  }
  const present = new Set(listing.filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)));

  const missingNames: string[] = [];
  const candidates = meta.records.filter((r) => {
    if (present.has(r.imageName)) return true;
    missingNames.push(r.imageName);
    return false;
  });
  if (missingNames.length > 0 && missing === 'error') {
    const shown = missingNames.slice(0, NAMES_IN_MESSAGE).map((n) => `  - ${IMAGES_DIR}/${n}.png (CSV line ${lines.get(n)})`);
    const more = missingNames.length > NAMES_IN_MESSAGE ? [`  … and ${(missingNames.length - NAMES_IN_MESSAGE).toLocaleString('en-US')} more`] : [];
    throw new FpdbError(
      'FPDB_IMAGE_MISSING',
      [
        `${plural(missingNames.length, 'image')} of ${meta.records.length.toLocaleString('en-US')} named in ${csvPath} ${missingNames.length === 1 ? 'is' : 'are'} missing from ${imagesDir}:`,
        ...shown,
        ...more,
        `Download the full release with \`fpdb download --out DIR\`, or pass { missing: 'skip' } to work on the ${plural(candidates.length, 'image')} present.`,
      ].join('\n'),
      { details: { file: join(imagesDir, `${missingNames[0]}.png`), line: lines.get(missingNames[0]!), count: missingNames.length, names: missingNames.slice(0, 100) } },
    );
  }
  const listed = new Set(meta.records.map((r) => r.imageName));
  const rejected = new Set(meta.issues.map((i) => (typeof i.value === 'string' ? i.value : '')));
  const extraFiles = [...present].filter((n) => !listed.has(n) && !rejected.has(n)).sort();
  if (extraFiles.length > 0 && extra === 'error') {
    throw new FpdbError(
      'FPDB_CSV_MISMATCH',
      `${csvPath} disagrees with ${imagesDir}: ${plural(extraFiles.length, 'PNG')} there ${extraFiles.length === 1 ? 'is' : 'are'} named by no row (${extraFiles
        .slice(0, NAMES_IN_MESSAGE)
        .map((n) => `${n}.png`)
        .join(', ')}${extraFiles.length > NAMES_IN_MESSAGE ? ', …' : ''}). Remove them, use the matching CSV, or pass { extra: 'ignore' }.`,
      { details: { file: join(imagesDir, `${extraFiles[0]}.png`), count: extraFiles.length, names: extraFiles.slice(0, 100) } },
    );
  }

  const images = new Map<string, ImageInfo>();
  const invalidIssues: ValidationIssue[] = [];
  await mapPool(candidates, concurrency, async (r) => {
    const line = lines.get(r.imageName) ?? 0;
    const path = imagePath(absRoot, r.imageName, { line });
    const where = { file: path, line, imageName: r.imageName };
    try {
      const link = await checkInsideImages(path, realImagesDir, where);
      const st = link.isSymbolicLink() ? await stat(path) : link;
      let header = { width: 0, height: 0, colourType: 0, bitDepth: 0 };
      if (checkHeaders) {
        header = readPngHeader(await readHeader(path), where);
        checkPixelLimit(header, maxPixels, where);
      }
      images.set(r.imageName, {
        path,
        line,
        size: Number(st.size),
        mtimeMs: Math.floor(Number(st.mtimeMs)),
        width: header.width,
        height: header.height,
        colourType: header.colourType,
        bitDepth: header.bitDepth,
      });
    } catch (error) {
      if (!isFpdbError(error)) throw error;
      if (invalid === 'error') throw error;
      invalidIssues.push({ code: error.code, message: error.message, line, value: r.imageName });
    }
  });
  const records = candidates.filter((r) => images.has(r.imageName));
  invalidIssues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const skipped = [
    missingNames.length > 0 ? `${plural(missingNames.length, 'missing image')} skipped` : '',
    invalidIssues.length > 0 ? `${plural(invalidIssues.length, 'invalid image')} skipped` : '',
    meta.issues.length > 0 ? `${plural(meta.issues.length, 'CSV issue')} (rows dropped)` : '',
    extraFiles.length > 0 ? `${plural(extraFiles.length, 'unlisted PNG')} ignored` : '',
  ].filter(Boolean);
  const summary = `${records.length.toLocaleString('en-US')} of ${meta.rows.toLocaleString('en-US')} images usable${skipped.length ? `; ${skipped.join('; ')}` : ''}.`;
  return createDataset(absRoot, csvPath, records, images, { rows: meta.rows, metadataIssues: meta.issues, missing: missingNames, invalid: invalidIssues, extraFiles, summary });
}
