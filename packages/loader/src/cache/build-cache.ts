import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { lockCache } from './cache-lock.js';
import { join } from 'node:path';
import { FpdbError, isFpdbError, type ValidationIssue } from '@fpdb/schema';
import type { Dataset } from '../dataset/dataset.js';
import { mapPool } from '../internal/pool.js';
import { DEFAULT_KERNEL, readImage, type DecodeOptions } from '../pixels/decode-image.js';
import { readImageInPool } from '../pixels/decode-pool.js';
import { checkPixelOptions } from '../pixels/resize-geometry.js';
import { CACHE_GRAY, CACHE_HEADER_BYTES, CACHE_VERSION, cacheStem, encodeHeader, type CacheEntry, type CacheIndex, type CacheKey } from './cache-format.js';
import { resolveCacheDir, type CacheLocation } from './cache-location.js';
import { openCache } from './open-cache.js';

/** Progress of a cache build, reported after each image. */
export interface CacheProgress {
  done: number;
  total: number;
  /** Images decoded in this run so far. */
  decoded: number;
  /** Images taken from a previous (complete or interrupted) build. */
  reused: number;
}

/** Options of {@link buildCache}. */
export interface BuildCacheOptions extends DecodeOptions {
  /** Cache folder; default `<root>/.fpdb-cache`, or the user cache folder when the dataset is read-only. */
  dir?: string;
  /** Decodes in flight, spread over the decode workers; default 4, enough to keep 2 cores busy. */
  concurrency?: number;
  /** Decode on the process-wide pool of worker threads (default true), or on the main thread (false). */
  workers?: boolean;
  /** A decode failure: `error` (default) stops the build (progress kept for a resume), `skip` leaves the image out of the cache. */
  onError?: 'error' | 'skip';
  onProgress?: (progress: CacheProgress) => void;
  signal?: AbortSignal;
}

/** What {@link buildCache} did. */
export interface CacheBuildResult extends CacheLocation {
  /** The data file and its index. */
  file: string;
  indexFile: string;
  total: number;
  decoded: number;
  /** Taken from the previous cache (unchanged sources) or from an interrupted build. */
  reused: number;
  /** True when an interrupted build was continued. */
  resumed: boolean;
  /** Images left out (onError `skip`), with the file, line and reason. */
  skipped: ValidationIssue[];
  /** Bytes of the data file. */
  bytes: number;
}

interface JournalHead {
  buildId: string;
  height: number;
  width: number;
  policy: string;
  kernel: string;
  names: string[];
}

/** Journal lines are flushed (after an fdatasync of the data) every this many images. */
const JOURNAL_EVERY = 64;

async function readJournal(file: string): Promise<{ head: JournalHead; done: Map<number, [number, number]> } | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  let head: JournalHead;
  try {
    head = JSON.parse(lines[0]!) as JournalHead;
  } catch {
    return undefined;
  }
  const done = new Map<number, [number, number]>();
  for (const line of lines.slice(1)) {
    const m = /^(\d+) (\d+) (\d+)$/.exec(line);
    if (m) done.set(Number(m[1]), [Number(m[2]), Number(m[3])]);
  }
  return { head, done };
}

/**
 * Builds (or updates) the persistent preprocessing cache of a dataset at one size and policy: one
 * file holding every image as `H×W` uint8 after {@link decodeImage}, and an index keyed by image
 * name with each source file's identity (size + mtime). Decodes in parallel; images whose source is
 * unchanged are copied from the previous cache; an interrupted build resumes where it stopped
 * (journal + partial file); the data file and index are written under temporary names and renamed
 * when complete, so a reader never sees a half-written cache. Concurrent builds of the same cache (two
 * runs at once) take turns through a lock file; the second then reuses what the first wrote.
 * @throws FpdbError FPDB_CACHE (no writable folder, I/O error), FPDB_ABORTED (signal), and decode errors
 *   (FPDB_IMAGE_DECODE, FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_TOO_LARGE, FPDB_IMAGE_MISSING) naming file and CSV line when onError is `error`.
 * @example
 * const ds = await openDataset('/data/FETAL_PLANES_DB');
 * const r = await buildCache(ds, { height: 128, width: 128, policy: 'pad', onProgress: (p) => console.error(p.done, '/', p.total) });
 */
export async function buildCache(dataset: Dataset, options: BuildCacheOptions): Promise<CacheBuildResult> {
  checkPixelOptions(options);
  const location = await resolveCacheDir(dataset.root, options.dir);
  const stem = cacheStem({ height: options.height, width: options.width, policy: options.policy ?? 'stretch', kernel: options.kernel ?? DEFAULT_KERNEL });
  const unlock = await lockCache(join(location.dir, `${stem}.bin`), options.signal);
  try {
    return await buildUnlocked(dataset, options);
  } finally {
    await unlock();
  }
}

async function buildUnlocked(dataset: Dataset, options: BuildCacheOptions): Promise<CacheBuildResult> {
  const { height, width, policy = 'stretch', kernel = DEFAULT_KERNEL, concurrency = 4, onError = 'error', onProgress, signal } = options;
  const decode = options.workers === false ? readImage : readImageInPool;
  const key: CacheKey = { height, width, policy, kernel };
  const location = await resolveCacheDir(dataset.root, options.dir);
  const stem = cacheStem(key);
  const file = join(location.dir, `${stem}.bin`);
  const indexFile = join(location.dir, `${stem}.json`);
  const partial = `${file}.partial`;
  const journalFile = join(location.dir, `${stem}.journal`);
  const names = dataset.records.map((r) => r.imageName);
  const total = names.length;
  const slotBytes = height * width;
  const bytes = CACHE_HEADER_BYTES + total * slotBytes;

  // An interrupted build of the same image list continues in place.
  const journal = await readJournal(journalFile);
  let resumed = false;
  let buildId = randomBytes(16).toString('hex');
  const done = new Set<number>();
  if (
    journal &&
    journal.head.height === height &&
    journal.head.width === width &&
    journal.head.policy === policy &&
    journal.head.kernel === kernel &&
    journal.head.names.length === total &&
    journal.head.names.every((n, i) => n === names[i])
  ) {
    const size = await stat(partial).then((s) => s.size).catch(() => -1);
    if (size === bytes) {
      resumed = true;
      buildId = journal.head.buildId;
      for (const [slot, [s, m]] of journal.done) {
        const info = dataset.image(names[slot]!);
        if (info.size === s && info.mtimeMs === m) done.add(slot);
      }
    }
  }
  const previous = await openCache(dataset, { ...key, dir: location.dir }).catch(() => undefined);
  // A complete, current cache of these images: nothing to decode or write.
  if (previous && !resumed && names.every((name) => previous.has(name))) {
    await previous.close();
    onProgress?.({ done: total, total, decoded: 0, reused: total });
    return { ...location, file, indexFile, total, decoded: 0, reused: total, resumed: false, skipped: [], bytes: (await stat(file)).size };
  }

  let data: FileHandle;
  let log: FileHandle;
  try {
    if (resumed) {
      data = await open(partial, 'r+');
      log = await open(journalFile, 'a');
    } else {
      data = await open(partial, 'w+');
      await data.write(encodeHeader({ version: CACHE_VERSION, height, width, count: total, policy, buildId }), 0, CACHE_HEADER_BYTES, 0);
      await data.truncate(bytes);
      await writeFile(journalFile, `${JSON.stringify({ buildId, height, width, policy, kernel, names } satisfies JournalHead)}\n`);
      log = await open(journalFile, 'a');
    }
  } catch (cause) {
    await previous?.close();
    throw new FpdbError('FPDB_CACHE', `Cannot write the cache in ${location.dir}: ${(cause as Error).message}`, { cause, details: { file: partial } });
  }

  const skipped: ValidationIssue[] = [];
  const skippedSlots = new Set<number>();
  let pending: string[] = [];
  let decoded = 0;
  let reused = done.size;
  let finished = done.size;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const lines = pending.join('');
    pending = [];
    await data.datasync();
    await log.write(lines);
  };
  const todo = names.map((_, i) => i).filter((i) => !done.has(i));
  onProgress?.({ done: finished, total, decoded, reused });
  try {
    await mapPool(
      todo,
      concurrency,
      async (slot) => {
        const name = names[slot]!;
        const info = dataset.image(name);
        let pixels: Uint8Array | undefined;
        if (previous?.has(name)) {
          pixels = await previous.read(name);
          reused++;
        } else {
          try {
            pixels = await decode(info.path, key, { file: info.path, line: info.line, imageName: name });
            decoded++;
          } catch (error) {
            if (onError === 'skip' && isFpdbError(error)) {
              skipped.push({ code: error.code, message: error.message, line: info.line, value: name });
              skippedSlots.add(slot);
            } else throw error;
          }
        }
        if (pixels) {
          await data.write(pixels, 0, slotBytes, CACHE_HEADER_BYTES + slot * slotBytes);
          pending.push(`${slot} ${info.size} ${info.mtimeMs}\n`);
          if (pending.length >= JOURNAL_EVERY) await flush();
        }
        finished++;
        onProgress?.({ done: finished, total, decoded, reused });
      },
      signal,
    );
    await flush();
    await data.sync();
  } catch (error) {
    await flush().catch(() => undefined);
    await Promise.all([data.close(), log.close(), previous?.close()]);
    if (signal?.aborted) {
      throw new FpdbError('FPDB_ABORTED', `Cache build stopped after ${finished} of ${total} images; run it again to resume.`, { cause: error, details: { file: partial } });
    }
    throw error;
  }
  await Promise.all([data.close(), log.close(), previous?.close()]);

  const entries: Record<string, CacheEntry> = {};
  names.forEach((name, slot) => {
    if (skippedSlots.has(slot)) return;
    const info = dataset.image(name);
    entries[name] = [slot, info.size, info.mtimeMs];
  });
  const index: CacheIndex = {
    format: 'fpdb-cache',
    version: CACHE_VERSION,
    ...key,
    gray: CACHE_GRAY,
    buildId,
    count: total,
    dataFile: `${stem}.bin`,
    createdAt: new Date().toISOString(),
    entries,
  };
  // Data first, then index: a crash between the renames leaves an index whose buildId does not
  // match the data header, which readers treat as no cache.
  await rename(partial, file);
  await writeFile(`${indexFile}.tmp`, JSON.stringify(index));
  await rename(`${indexFile}.tmp`, indexFile);
  await rm(journalFile, { force: true });
  return { ...location, file, indexFile, total, decoded, reused, resumed, skipped, bytes };
}
