import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FpdbError, type ResizePolicy } from '@fpdb/schema';
import type { Dataset } from '../dataset/dataset.js';
import { DEFAULT_KERNEL, type ResizeKernel } from '../pixels/decode-image.js';
import { checkPixelOptions } from '../pixels/resize-geometry.js';
import { CACHE_GRAY, CACHE_HEADER_BYTES, CACHE_VERSION, cacheStem, decodeHeader, type CacheIndex } from './cache-format.js';
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
  /** Whether `name` has valid cached pixels. */
  has(name: string): boolean;
  /**
   * The `H×W` uint8 pixels of `name`, into `out` when given.
   * @throws FpdbError FPDB_CACHE when the image has no valid entry or the file is shorter than its index says.
   */
  read(name: string, out?: Uint8Array): Promise<Uint8Array>;
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
    return undefined;
  }
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
  const valid = new Map<string, number>();
  const stale: string[] = [];
  for (const r of dataset.records) {
    const e = index.entries[r.imageName];
    const info = dataset.image(r);
    if (e && e[1] === info.size && e[2] === info.mtimeMs) valid.set(r.imageName, e[0]);
    else stale.push(r.imageName);
  }
  return {
    file,
    height: index.height,
    width: index.width,
    policy: index.policy,
    valid: valid.size,
    stale,
    has: (name) => valid.has(name),
    async read(name, out = new Uint8Array(slotBytes)) {
      const slot = valid.get(name);
      if (slot === undefined) {
        throw new FpdbError('FPDB_CACHE', `${name} has no valid entry in ${file} (absent or its source changed). Run \`fpdb cache\` again.`, { details: { file, value: name } });
      }
      const { bytesRead } = await handle.read(out, 0, slotBytes, CACHE_HEADER_BYTES + slot * slotBytes);
      if (bytesRead !== slotBytes) {
        throw new FpdbError('FPDB_CACHE', `${file} is shorter than its index says (slot ${slot} of ${name}). Delete it and run \`fpdb cache\` again.`, { details: { file, value: name } });
      }
      return out;
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
