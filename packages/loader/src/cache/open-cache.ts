import { open, readFile, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { FpdbError, type ResizePolicy } from '@fpdb/schema';
import type { Dataset } from '../dataset/dataset.js';
import { DEFAULT_KERNEL, type ResizeKernel } from '../pixels/decode-image.js';
import { checkPixelOptions } from '../pixels/resize-geometry.js';
import { CACHE_GRAY, CACHE_HEADER_BYTES, CACHE_VERSION, cacheStem, decodeHeader, isCacheEntry, type CacheFailure, type CacheIndex } from './cache-format.js';
import { CACHE_DIR_NAME, userCacheDir } from './cache-location.js';

/** Options of {@link openCache}. */
export interface OpenCacheOptions {
  height: number;
  width: number;
  /** Default `stretch`. */
  policy?: ResizePolicy;
  /** Default `linear` ({@link DEFAULT_KERNEL}). */
  kernel?: ResizeKernel;
  /** Cache folder; default `<root>/.fpdb-cache`, then the user cache folder. */
  dir?: string;
}

/** Read access to a complete cache. */
export interface CacheReader {
  readonly file: string;
  readonly height: number;
  readonly width: number;
  readonly policy: ResizePolicy;
  /** Images of the dataset whose cached pixels are valid (present, source unchanged). */
  readonly valid: number;
  /** Images of the dataset not in the cache or whose source changed since (they must be decoded). */
  readonly stale: readonly string[];
  /** Index entries that were malformed (damaged index) and are treated as absent, so they are rebuilt. */
  readonly damagedEntries: number;
  /** Whether `name` has valid cached pixels. */
  has(name: string): boolean;
  /** The recorded decode failure of `name` when its source is unchanged since (onError `skip`), else undefined. */
  failure(name: string): CacheFailure | undefined;
  /**
   * The `H×W` uint8 pixels of `name`, into `out` when given, checked against their CRC-32.
   * @throws FpdbError FPDB_CACHE when the image has no valid entry or the file is shorter than its index
   *   says; FPDB_CACHE_CORRUPT when the bytes fail their checksum.
   */
  read(name: string, out?: Uint8Array): Promise<Uint8Array>;
  /** Reads every valid entry and returns the names whose bytes fail their checksum (the whole file, streamed in slot order). */
  verify(): Promise<string[]>;
  close(): Promise<void>;
}

async function tryOpen(dataset: Dataset, dir: string, stem: string, expect: { height: number; width: number; policy: ResizePolicy; kernel: ResizeKernel }): Promise<CacheReader | undefined> {
  const indexFile = join(dir, `${stem}.json`);
  const text = await readFile(indexFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let index: CacheIndex;
  try {
    index = JSON.parse(text) as CacheIndex;
  } catch {
    // A damaged index (torn write, edited by hand): no cache; the next build writes a new one.
    return undefined;
  }
  if (
    typeof index !== 'object' ||
    index === null ||
    !Number.isInteger(index.count) ||
    index.count < 0 ||
    typeof index.dataFile !== 'string' ||
    index.dataFile.includes('/') ||
    index.dataFile.includes('\\')
  )
    return undefined;
  if (
    index.format !== 'fpdb-cache' ||
    index.version !== CACHE_VERSION ||
    index.gray !== CACHE_GRAY ||
    index.height !== expect.height ||
    index.width !== expect.width ||
    index.policy !== expect.policy ||
    index.kernel !== expect.kernel
  ) {
    return undefined;
  }
  const file = join(dir, index.dataFile);
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  const slotBytes = index.height * index.width;
  const head = new Uint8Array(CACHE_HEADER_BYTES);
  await handle.read(head, 0, CACHE_HEADER_BYTES, 0);
  const size = (await handle.stat()).size;
  let ok = false;
  try {
    const header = decodeHeader(head, file);
    ok = header.buildId === index.buildId && header.count === index.count && header.height === index.height && header.width === index.width && size === CACHE_HEADER_BYTES + index.count * slotBytes;
  } catch {
    ok = false;
  }
  if (!ok) {
    await handle.close();
    return undefined;
  }
  const valid = new Map<string, { slot: number; crc: number }>();
  const failed = new Map<string, CacheFailure>();
  const stale: string[] = [];
  const slots = new Set<number>();
  let damagedEntries = 0;
  const entries = typeof index.entries === 'object' && index.entries !== null ? index.entries : {};
  for (const r of dataset.records) {
    const e: unknown = Object.hasOwn(entries, r.imageName) ? entries[r.imageName] : undefined;
    const info = dataset.image(r);
    if (e !== undefined && (!isCacheEntry(e, index.count) || slots.has(e[0]))) damagedEntries++;
    else if (e && e[1] === info.size && e[2] === info.mtimeMs) {
      valid.set(r.imageName, { slot: e[0], crc: e[3] });
      slots.add(e[0]);
      continue;
    }
    stale.push(r.imageName);
    const f: unknown = index.failed && Object.hasOwn(index.failed, r.imageName) ? index.failed[r.imageName] : undefined;
    if (Array.isArray(f) && f.length === 4 && f[0] === info.size && f[1] === info.mtimeMs && typeof f[2] === 'string' && typeof f[3] === 'string') failed.set(r.imageName, f as CacheFailure);
  }
  const corrupt = (name: string, slot: number): FpdbError =>
    new FpdbError(
      'FPDB_CACHE_CORRUPT',
      `${file}: the cached pixels of ${name} (slot ${slot}) fail their checksum; the cache file was damaged after it was written. Run \`fpdb cache\` again (it re-decodes the damaged images) or delete ${file}.`,
      {
        details: { file, value: name, slot },
      },
    );
  return {
    file,
    height: index.height,
    width: index.width,
    policy: index.policy,
    valid: valid.size,
    stale,
    damagedEntries,
    has: (name) => valid.has(name),
    failure: (name) => failed.get(name),
    async read(name, out = new Uint8Array(slotBytes)) {
      const entry = valid.get(name);
      if (entry === undefined) {
        throw new FpdbError('FPDB_CACHE', `${name} has no valid entry in ${file} (absent or its source changed). Run \`fpdb cache\` again.`, { details: { file, value: name } });
      }
      const { slot, crc } = entry;
      const { bytesRead } = await handle.read(out, 0, slotBytes, CACHE_HEADER_BYTES + slot * slotBytes);
      if (bytesRead !== slotBytes) {
        throw new FpdbError('FPDB_CACHE', `${file} is shorter than its index says (slot ${slot} of ${name}). Delete it and run \`fpdb cache\` again.`, { details: { file, value: name } });
      }
      if (crc32(out.subarray(0, slotBytes)) >>> 0 !== crc) throw corrupt(name, slot);
      return out;
    },
    async verify() {
      const bad: string[] = [];
      const bySlot = [...valid].sort((a, b) => a[1].slot - b[1].slot);
      const perRead = Math.max(1, Math.floor((4 << 20) / slotBytes));
      const buf = new Uint8Array(perRead * slotBytes);
      for (let i = 0; i < bySlot.length; ) {
        // Runs of consecutive slots are read in one call (a complete cache is one run).
        let n = 1;
        while (n < perRead && i + n < bySlot.length && bySlot[i + n]![1].slot === bySlot[i]![1].slot + n) n++;
        const { bytesRead } = await handle.read(buf, 0, n * slotBytes, CACHE_HEADER_BYTES + bySlot[i]![1].slot * slotBytes);
        for (let k = 0; k < n; k++) {
          const [name, { crc }] = bySlot[i + k]!;
          if ((k + 1) * slotBytes > bytesRead || crc32(buf.subarray(k * slotBytes, (k + 1) * slotBytes)) >>> 0 !== crc) bad.push(name);
        }
        i += n;
      }
      return bad;
    },
    close: () => handle.close(),
  };
}

/**
 * Opens the complete cache of a dataset at one size and policy, checking that the data file matches
 * its index (same build, full length) and which images' sources are unchanged. Returns undefined when
 * there is no usable cache (never built, half-written, other format version).
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a bad size or policy.
 * @example
 * const cache = await openCache(ds, { height: 128, width: 128, policy: 'pad' });
 * if (cache) { const pixels = await cache.read(ds.records[0].imageName); await cache.close(); }
 */
export async function openCache(dataset: Dataset, options: OpenCacheOptions): Promise<CacheReader | undefined> {
  const { height, width, policy = 'stretch', kernel = DEFAULT_KERNEL } = options;
  checkPixelOptions({ height, width, policy });
  const stem = cacheStem({ height, width, policy, kernel });
  const dirs = options.dir !== undefined ? [options.dir] : [join(dataset.root, CACHE_DIR_NAME), await userCacheDir(dataset.root)];
  for (const dir of dirs) {
    const reader = await tryOpen(dataset, dir, stem, { height, width, policy, kernel });
    if (reader) return reader;
  }
  return undefined;
}
