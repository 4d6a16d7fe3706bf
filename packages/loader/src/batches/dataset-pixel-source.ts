import type { FpdbRecord } from '@fpdb/schema';
import { buildCache, type BuildCacheOptions } from '../cache/build-cache.js';
import { openCache, type CacheReader } from '../cache/open-cache.js';
import type { Dataset } from '../dataset/dataset.js';
import { DEFAULT_KERNEL, readImage, type DecodeOptions } from '../pixels/decode-image.js';
import { readImageInPool } from '../pixels/decode-pool.js';
import { checkPixelOptions } from '../pixels/resize-geometry.js';
import type { PixelSource } from './pixel-source.js';

/** Options of {@link createPixelSource}. */
export interface DatasetPixelSourceOptions extends DecodeOptions {
  /**
   * `use` (default): read images from a complete cache when there is one, decode the others;
   * `build`: build or update the cache first (see buildCache), then read from it; `off`: always decode.
   */
  cache?: 'use' | 'build' | 'off';
  /** Cache folder (see buildCache). */
  cacheDir?: string;
  /** Passed to buildCache when `cache: 'build'`. */
  onProgress?: BuildCacheOptions['onProgress'];
  /** Decodes in flight while building the cache. */
  buildConcurrency?: number;
  /** Decode on the process-wide pool of worker threads (default true), or on the main thread (false). */
  workers?: boolean;
  signal?: AbortSignal;
}

/** A dataset's pixel source, with where its pixels come from. */
export interface DatasetPixelSource extends PixelSource {
  /** The cache read from, if any. */
  readonly cache: CacheReader | undefined;
  /** Images decoded so far (not found valid in the cache). */
  readonly decoded: number;
  /** Images read from the cache so far. */
  readonly fromCache: number;
  /** Closes the cache file, if one is open. */
  close(): Promise<void>;
}

/**
 * The pixels of a dataset's images at one size and policy (Node): from the persistent cache when
 * present and fresh, else decoded with sharp. Decode failures throw FpdbError naming file and CSV line.
 * @throws FpdbError as buildCache (cache `build`) and FPDB_INVALID_ARGUMENT.
 * @example const source = await createPixelSource(ds, { height: 128, width: 128, policy: 'pad', cache: 'build' });
 */
export async function createPixelSource(dataset: Dataset, options: DatasetPixelSourceOptions): Promise<DatasetPixelSource> {
  checkPixelOptions(options);
  const { cache = 'use', cacheDir, height, width } = options;
  const key = { height, width, policy: options.policy ?? 'stretch', kernel: options.kernel ?? DEFAULT_KERNEL, maxPixels: options.maxPixels };
  if (cache === 'build') {
    await buildCache(dataset, {
      ...key,
      ...(cacheDir === undefined ? {} : { dir: cacheDir }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.buildConcurrency === undefined ? {} : { concurrency: options.buildConcurrency }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.signal ? { signal: options.signal } : {}),
      onError: 'skip',
    });
  }
  const decode = options.workers === false ? readImage : readImageInPool;
  const reader = cache === 'off' ? undefined : await openCache(dataset, { ...key, ...(cacheDir === undefined ? {} : { dir: cacheDir }) });
  let decoded = 0;
  let fromCache = 0;
  return {
    height,
    width,
    cache: reader,
    get decoded() {
      return decoded;
    },
    get fromCache() {
      return fromCache;
    },
    async read(record: FpdbRecord, out: Uint8Array) {
      if (reader?.has(record.imageName)) {
        await reader.read(record.imageName, out);
        fromCache++;
        return;
      }
      const info = dataset.image(record);
      out.set(await decode(info.path, key, { file: info.path, line: info.line, imageName: record.imageName }));
      decoded++;
    },
    close: async () => {
      await reader?.close();
    },
  };
}
