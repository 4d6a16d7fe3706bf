import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { CSV_FILE, FpdbError, IMAGES_DIR, isFpdbError } from '@fpdb/schema';

/** Progress of a download or extraction step. */
export interface TransferProgress {
  phase: 'download' | 'verify' | 'extract';
  /** Bytes (download, verify) or entries (extract) done. */
  done: number;
  /** Total, when known. */
  total?: number;
}

/** What {@link extractRelease} wrote. */
export interface ExtractResult {
  /** Files written. */
  files: number;
  /** PNGs written to `Images/`. */
  images: number;
  /** The CSV's path. */
  csv: string;
}

/** What fpdb itself leaves in an output folder: its temporary extraction folder and the pixel cache. */
const OWN_ENTRIES = ['.fpdb-extract', '.fpdb-cache'];

/**
 * Refuses an output folder that holds anything but what a download writes there (the zip, its `.part`,
 * fpdb's own temporary folders) and, with `force`, a previous release (its CSV and `Images/`, which are
 * replaced). Nothing the user put there is ever replaced or deleted.
 * @throws FpdbError FPDB_OUTPUT_NOT_EMPTY naming what was found.
 */
export async function checkOutputFolder(out: string, options: { force?: boolean; zip?: string } = {}): Promise<void> {
  const entries = await readdir(out).catch((cause: unknown) => {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    if ((cause as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new FpdbError('FPDB_OUTPUT_NOT_EMPTY', `${out} is a file, not a folder. Pass a new or empty folder to --out.`, { details: { file: out } });
    throw cause;
  });
  const zipName = options.zip === undefined ? undefined : basename(options.zip);
  const own = new Set([...OWN_ENTRIES, ...(zipName && resolve(dirname(options.zip!)) === resolve(out) ? [zipName, `${zipName}.part`] : [])]);
  const release = entries.filter((e) => e === CSV_FILE || e === IMAGES_DIR);
  // A run killed while moving the release into place (`.fpdb-extract` still there) or before deleting its
  // zip left these entries itself: the rerun replaces them from the verified zip.
  const interrupted = entries.includes('.fpdb-extract') || (zipName !== undefined && own.has(zipName) && entries.includes(zipName));
  const other = entries.filter((e) => !own.has(e) && e !== CSV_FILE && e !== IMAGES_DIR);
  if (other.length > 0) {
    const shown = other.slice(0, 5).join(', ') + (other.length > 5 ? `, … (${other.length} in all)` : '');
    throw new FpdbError(
      'FPDB_OUTPUT_NOT_EMPTY',
      `${out} already holds other files (${shown}); the release is only extracted into a new or empty folder, so nothing there is replaced. Pass another folder to --out${release.length > 0 ? '' : ', or empty this one'}.`,
      { details: { file: out, value: other.slice(0, 100) } },
    );
  }
  if (release.length > 0 && !options.force && !interrupted) {
    throw new FpdbError('FPDB_OUTPUT_NOT_EMPTY', `${out} already holds ${release.join(' and ')}; open it with openDataset (\`fpdb stats ${out}\`), or pass --force to replace the release there.`, {
      details: { file: out, value: release },
    });
  }
}

function corrupt(zip: string, reason: string, cause?: unknown): FpdbError {
  return new FpdbError('FPDB_DOWNLOAD', `${zip} is not a valid zip or is corrupt (${reason}). Delete it and download again (\`fpdb download\`).`, {
    ...(cause === undefined ? {} : { cause }),
    details: { file: zip },
  });
}

/**
 * Extracts a release zip into `out` in the layout the loader reads: `out/FETAL_PLANES_DB_data.csv`
 * and `out/Images/*.png` (whatever folder the zip wraps them in). `out` must be new or empty (or hold
 * only a previous release, with `force`): see {@link checkOutputFolder}. Entries go to a temporary
 * folder first and are moved into place when all are written; every entry's CRC-32 is checked; an
 * entry whose path would leave the folder (zip slip) is refused; only the CSV and `Images/` are moved
 * out of it.
 * @throws FpdbError FPDB_OUTPUT_NOT_EMPTY (other files in `out`), FPDB_DOWNLOAD (corrupt zip, no CSV inside), FPDB_PATH_ESCAPE (zip slip).
 * @example await extractRelease('/data/FETAL_PLANES_ZENODO.zip', '/data/FETAL_PLANES_DB')
 */
export async function extractRelease(zip: string, out: string, options: { onProgress?: (p: TransferProgress) => void; force?: boolean } = {}): Promise<ExtractResult> {
  const absOut = resolve(out);
  await checkOutputFolder(absOut, { zip: resolve(zip), ...(options.force === undefined ? {} : { force: options.force }) });
  const tmp = join(absOut, '.fpdb-extract');
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(zip, { lazyEntries: true, autoClose: false, strictFileNames: false }, (e, z) => (e ? fail(e) : ok(z))));
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw corrupt(zip, (cause as Error).message, cause);
  }
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((ok, fail) => {
      zipfile.on('entry', (e: yauzl.Entry) => {
        entries.push(e);
        zipfile.readEntry();
      });
      zipfile.on('end', ok);
      zipfile.on('error', fail);
      zipfile.readEntry();
    });
  } catch (cause) {
    zipfile.close();
    await rm(tmp, { recursive: true, force: true });
    const reason = (cause as Error).message;
    if (/invalid relative path|absolute path/i.test(reason)) {
      throw new FpdbError('FPDB_PATH_ESCAPE', `${zip} has an entry that would be written outside ${absOut} (zip slip: ${reason}); the archive was refused.`, { cause, details: { file: zip } });
    }
    throw corrupt(zip, reason, cause);
  }
  const csvEntry = entries.find((e) => e.fileName.replace(/\\/g, '/').split('/').pop() === CSV_FILE);
  if (!csvEntry) {
    zipfile.close();
    await rm(tmp, { recursive: true, force: true });
    throw new FpdbError('FPDB_DOWNLOAD', `${zip} holds no ${CSV_FILE}; it is not the FETAL_PLANES_DB release. Check the URL or the file.`, { details: { file: zip } });
  }
  const prefix = csvEntry.fileName.slice(0, csvEntry.fileName.length - CSV_FILE.length);
  const wanted = entries.filter((e) => e.fileName.startsWith(prefix) && !e.fileName.endsWith('/') && !e.fileName.includes('__MACOSX'));
  let files = 0;
  let images = 0;
  try {
    for (const entry of wanted) {
      const name = entry.fileName.slice(prefix.length);
      const target = resolve(tmp, name);
      const rel = relative(tmp, target);
      if (name.includes('\\') || isAbsolute(name) || rel.startsWith('..') || isAbsolute(rel) || name.split('/').includes('..')) {
        throw new FpdbError('FPDB_PATH_ESCAPE', `${zip} entry ${JSON.stringify(entry.fileName)} would be written outside ${absOut} (zip slip); the archive was refused.`, {
          details: { file: zip, value: entry.fileName },
        });
      }
      await mkdir(dirname(target), { recursive: true });
      const stream = await new Promise<NodeJS.ReadableStream>((ok, fail) => zipfile.openReadStream(entry, (e, s) => (e ? fail(e) : ok(s))));
      let crc = 0;
      const check = new Transform({
        transform(chunk: Buffer, _enc, done) {
          crc = crc32(chunk, crc);
          done(null, chunk);
        },
      });
      await pipeline(stream, check, createWriteStream(target));
      if (crc >>> 0 !== entry.crc32 >>> 0) throw corrupt(zip, `CRC mismatch in ${entry.fileName}`);
      files++;
      if (name.startsWith(`${IMAGES_DIR}/`) && name.endsWith('.png')) images++;
      options.onProgress?.({ phase: 'extract', done: files, total: wanted.length });
    }
  } catch (cause) {
    zipfile.close();
    await rm(tmp, { recursive: true, force: true });
    if (isFpdbError(cause)) throw cause;
    throw corrupt(zip, (cause as Error).message, cause);
  }
  zipfile.close();
  // Only the release's own entries are moved into place; anything else the zip holds stays behind and is removed.
  // Images/ first and the CSV last: a release folder with its CSV is complete.
  for (const top of [IMAGES_DIR, CSV_FILE]) {
    if (!(await stat(join(tmp, top)).catch(() => undefined))) continue;
    const dest = join(absOut, top);
    if (await stat(dest).catch(() => undefined)) await rm(dest, { recursive: true, force: true });
    await rename(join(tmp, top), dest);
  }
  await rm(tmp, { recursive: true, force: true });
  return { files, images, csv: join(absOut, CSV_FILE) };
}
