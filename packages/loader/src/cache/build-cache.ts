import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { lockCache, type LockHolder } from './cache-lock.js';
import { freeBytes } from './free-space.js';
import { FpdbError, isFpdbError, type ValidationIssue } from '@fpdb/schema';
import type { Dataset } from '../dataset/dataset.js';
import { mapPool } from '../internal/pool.js';
import { DEFAULT_KERNEL, readImage, type DecodeOptions } from '../pixels/decode-image.js';
import { readImageInPool } from '../pixels/decode-pool.js';
import { checkPixelOptions } from '../pixels/resize-geometry.js';
import { CACHE_GRAY, CACHE_HEADER_BYTES, CACHE_VERSION, cacheStem, encodeHeader, type CacheEntry, type CacheFailure, type CacheIndex, type CacheKey } from './cache-format.js';
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
  /** Called once when another live process is building the same cache and this one waits for it, with what it waits for. */
  onWait?: (holder: LockHolder | undefined, message: string) => void;
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
  /** Images left out (onError `skip`), with the file, line and reason; recorded in the index, so a rerun skips them without decoding. */
  skipped: ValidationIssue[];
  /** Images whose cached bytes failed their checksum (a damaged cache or partial file) and were decoded again. */
  repaired: string[];
  /** Damaged lines of an interrupted build's journal (torn or garbled), dropped: their images were decoded again. */
  journalLinesDropped: number;
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

interface Journal {
  head: JournalHead;
  done: Map<number, { size: number; mtimeMs: number; crc: number }>;
  /** Lines that were torn or garbled. */
  dropped: number;
  /** The journal's good lines, to rewrite it without the damaged ones. */
  good: string[];
}

const JOURNAL_LINE = /^(\d+) (\d+) (\d+(?:\.\d+)?) (\d+)$/;

/** Reads an interrupted build's journal; undefined when absent or its head is damaged (a fresh build follows). */
async function readJournal(file: string): Promise<Journal | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  let head: JournalHead;
  try {
    head = JSON.parse(lines[0]!) as JournalHead;
  } catch {
    return undefined;
  }
  if (typeof head !== 'object' || head === null || !Array.isArray(head.names) || typeof head.buildId !== 'string' || !/^[0-9a-f]{32}$/.test(head.buildId)) return undefined;
  // The last element is '' when the file ends with a newline; anything else is a line torn by a kill.
  const torn = lines.length > 1 ? lines.pop() : '';
  let dropped = torn ? 1 : 0;
  const done = new Map<number, { size: number; mtimeMs: number; crc: number }>();
  const good: string[] = [];
  for (const line of lines.slice(1)) {
    const m = JOURNAL_LINE.exec(line);
    const slot = m ? Number(m[1]) : -1;
    const crc = m ? Number(m[4]) : -1;
    if (!m || slot >= head.names.length || crc > 0xffffffff) {
      dropped++;
      continue;
    }
    done.set(slot, { size: Number(m[2]), mtimeMs: Number(m[3]), crc });
    good.push(line);
  }
  return { head, done, dropped, good };
}

function noSpace(dir: string, need: number, free: number, cause?: unknown): FpdbError {
  const mb = (n: number): string => `${Math.ceil(n / 1e6).toLocaleString('en-US')} MB`;
  return new FpdbError(
    'FPDB_NO_SPACE',
    `The cache needs ${mb(need)} in ${dir} but ${free >= 0 ? `only ${mb(free)} are` : 'no more space is'} free. Free some space, put the cache on another disk (--cache-dir DIR, or { dir }), or ask for a smaller size (--size).`,
    { ...(cause === undefined ? {} : { cause }), details: { file: dir, need, free } },
  );
}

/**
 * Builds (or updates) the persistent preprocessing cache of a dataset at one size and policy: one
 * file holding every image as `H×W` uint8 after {@link decodeImage}, and an index keyed by image
 * name with each source file's identity (size + mtime). Decodes in parallel; images whose source is
 * unchanged are copied from the previous cache; an interrupted build resumes where it stopped
 * (journal + partial file; damaged journal lines are dropped and their images decoded again). Every
 * image carries a CRC-32 in the index: bytes that fail it (in the previous cache or the partial file)
 * are decoded again, never served. Free space is checked before anything is written (FPDB_NO_SPACE).
 * The data file and index are written under temporary names and renamed
 * when complete, so a reader never sees a half-written cache. Concurrent builds of the same cache (two
 * runs at once) take turns through a lock file; the second then reuses what the first wrote.
 * @throws FpdbError FPDB_CACHE (no writable folder, I/O error), FPDB_NO_SPACE (the disk cannot hold it), FPDB_ABORTED (signal), and decode errors
 *   (FPDB_IMAGE_DECODE, FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_TOO_LARGE, FPDB_IMAGE_MISSING) naming file and CSV line when onError is `error`.
 * @example
 * const ds = await openDataset('/data/FETAL_PLANES_DB');
 * const r = await buildCache(ds, { height: 128, width: 128, policy: 'pad', onProgress: (p) => console.error(p.done, '/', p.total) });
 */
export async function buildCache(dataset: Dataset, options: BuildCacheOptions): Promise<CacheBuildResult> {
  checkPixelOptions(options);
  const location = await resolveCacheDir(dataset.root, options.dir);
  const stem = cacheStem({ height: options.height, width: options.width, policy: options.policy ?? 'stretch', kernel: options.kernel ?? DEFAULT_KERNEL });
  const unlock = await lockCache(join(location.dir, `${stem}.bin`), { ...(options.signal ? { signal: options.signal } : {}), ...(options.onWait ? { onWait: options.onWait } : {}) });
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
  const crcs = new Map<number, number>();
  const repaired: string[] = [];
  const journalLinesDropped = journal?.dropped ?? 0;
  if (
    journal &&
    journal.head.height === height &&
    journal.head.width === width &&
    journal.head.policy === policy &&
    journal.head.kernel === kernel &&
    journal.head.names.length === total &&
    journal.head.names.every((n, i) => n === names[i])
  ) {
    const checked = await checkPartial(partial, bytes, encodeHeader({ version: CACHE_VERSION, height, width, count: total, policy, buildId: journal.head.buildId }), slotBytes, journal.done);
    if (checked) {
      resumed = true;
      buildId = journal.head.buildId;
      for (const [slot, { size, mtimeMs, crc }] of journal.done) {
        const info = dataset.image(names[slot]!);
        if (info.size !== size || info.mtimeMs !== mtimeMs) continue;
        if (checked.bad.has(slot)) repaired.push(names[slot]!);
        else crcs.set(slot, crc);
      }
    }
  }
  const previous = await openCache(dataset, { ...key, dir: location.dir }).catch(() => undefined);
  const known = (name: string): boolean => previous !== undefined && (previous.has(name) || (onError === 'skip' && previous.failure(name) !== undefined));
  let damaged = new Set<string>();
  // A complete, current cache of these images: nothing to decode or write once its checksums hold.
  if (previous && !resumed && names.every(known)) {
    damaged = new Set(await previous.verify());
    if (damaged.size === 0) {
      const skipped: ValidationIssue[] = [];
      for (const name of names) {
        const f = previous.has(name) ? undefined : previous.failure(name);
        if (f) skipped.push({ code: f[2] as ValidationIssue['code'], message: f[3], line: dataset.image(name).line, value: name });
      }
      await previous.close();
      onProgress?.({ done: total, total, decoded: 0, reused: total - skipped.length });
      return { ...location, file, indexFile, total, decoded: 0, reused: total - skipped.length, resumed: false, skipped, repaired, journalLinesDropped, bytes: (await stat(file)).size };
    }
  }

  let data: FileHandle;
  let log: FileHandle;
  try {
    const allocated = await stat(partial)
      .then((st) => (resumed ? st.blocks * 512 : 0))
      .catch(() => 0);
    const free = await freeBytes(location.dir);
    const need = bytes - allocated + (1 << 20);
    if (free !== undefined && free < need) throw noSpace(location.dir, need, free);
    if (resumed) {
      data = await open(partial, 'r+');
      // Rewritten without its damaged lines, so a torn tail never garbles the next append.
      await writeFile(
        `${journalFile}.tmp`,
        `${JSON.stringify(journal!.head)}\n${journal!.good
          .filter((l) => crcs.has(Number(l.split(' ')[0])))
          .map((l) => `${l}\n`)
          .join('')}`,
      );
      await rename(`${journalFile}.tmp`, journalFile);
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
    if (isFpdbError(cause)) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ENOSPC') throw noSpace(location.dir, bytes, -1, cause);
    throw new FpdbError('FPDB_CACHE', `Cannot write the cache in ${location.dir}: ${(cause as Error).message}`, { cause, details: { file: partial } });
  }

  const skipped: ValidationIssue[] = [];
  const failures = new Map<number, CacheFailure>();
  let pending: string[] = [];
  let decoded = 0;
  let reused = crcs.size;
  let finished = crcs.size;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const lines = pending.join('');
    pending = [];
    await data.datasync();
    await log.write(lines);
  };
  const todo = names.map((_, i) => i).filter((i) => !crcs.has(i));
  onProgress?.({ done: finished, total, decoded, reused });
  try {
    await mapPool(
      todo,
      concurrency,
      async (slot) => {
        const name = names[slot]!;
        const info = dataset.image(name);
        let pixels: Uint8Array | undefined;
        const failure = onError === 'skip' ? previous?.failure(name) : undefined;
        if (previous?.has(name) && !damaged.has(name)) {
          try {
            pixels = await previous.read(name);
            reused++;
          } catch (error) {
            if (!isFpdbError(error, 'FPDB_CACHE_CORRUPT')) throw error;
            repaired.push(name);
          }
        } else if (damaged.has(name)) repaired.push(name);
        if (!pixels && failure) {
          // Known undecodable and unchanged since: skipped again without decoding.
          skipped.push({ code: failure[2] as ValidationIssue['code'], message: failure[3], line: info.line, value: name });
          failures.set(slot, failure);
        } else if (!pixels) {
          try {
            pixels = await decode(info.path, key, { file: info.path, line: info.line, imageName: name });
            decoded++;
          } catch (error) {
            if (onError === 'skip' && isFpdbError(error)) {
              skipped.push({ code: error.code, message: error.message, line: info.line, value: name });
              failures.set(slot, [info.size, info.mtimeMs, error.code, error.message]);
            } else throw error;
          }
        }
        if (pixels) {
          const crc = crc32(pixels.subarray(0, slotBytes)) >>> 0;
          await data.write(pixels, 0, slotBytes, CACHE_HEADER_BYTES + slot * slotBytes);
          crcs.set(slot, crc);
          pending.push(`${slot} ${info.size} ${info.mtimeMs} ${crc}\n`);
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
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw noSpace(location.dir, bytes, -1, error);
    throw error;
  }
  await Promise.all([data.close(), log.close(), previous?.close()]);

  const entries: Record<string, CacheEntry> = {};
  const failed: Record<string, CacheFailure> = {};
  names.forEach((name, slot) => {
    const info = dataset.image(name);
    const crc = crcs.get(slot);
    const failure = failures.get(slot);
    if (crc !== undefined) entries[name] = [slot, info.size, info.mtimeMs, crc];
    else if (failure) failed[name] = failure;
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
    ...(failures.size > 0 ? { failed } : {}),
  };
  // Data first, then index: a crash between the renames leaves an index whose buildId does not
  // match the data header, which readers treat as no cache.
  await rename(partial, file);
  await writeFile(`${indexFile}.tmp`, JSON.stringify(index));
  await rename(`${indexFile}.tmp`, indexFile);
  await rm(journalFile, { force: true });
  return { ...location, file, indexFile, total, decoded, reused, resumed, skipped, repaired, journalLinesDropped, bytes };
}

/**
 * Checks an interrupted build's partial file: its length and header (the journal's build), and the
 * CRC-32 of every slot the journal says is done. Undefined when the file cannot be resumed.
 */
async function checkPartial(partial: string, bytes: number, header: Uint8Array, slotBytes: number, done: Journal['done']): Promise<{ bad: Set<number> } | undefined> {
  const handle = await open(partial, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    if ((await handle.stat()).size !== bytes) return undefined;
    const head = new Uint8Array(CACHE_HEADER_BYTES);
    await handle.read(head, 0, CACHE_HEADER_BYTES, 0);
    if (!head.every((b, i) => b === header[i])) return undefined;
    const bad = new Set<number>();
    const buf = new Uint8Array(slotBytes);
    for (const [slot, { crc }] of done) {
      const { bytesRead } = await handle.read(buf, 0, slotBytes, CACHE_HEADER_BYTES + slot * slotBytes);
      if (bytesRead !== slotBytes || crc32(buf) >>> 0 !== crc) bad.add(slot);
    }
    return { bad };
  } finally {
    await handle.close();
  }
}
