import { availableParallelism } from 'node:os';
import { createWorkerPool, workerScriptExists, type WorkerPool } from '@fpdb/internal/worker-pool';
import type { ImageLocation } from '../internal/location.js';
import { readImage, type DecodeOptions } from './decode-image.js';

/** A decode request sent to a worker. */
export interface DecodeJob {
  file: string;
  options: DecodeOptions;
  where: ImageLocation;
}

// In dist/ every module is flat beside decode-worker.js; from src/ the URL names no file (→ main thread).
let workerUrl = new URL('./decode-worker.js', import.meta.url);
let pool: WorkerPool<DecodeJob, Uint8Array> | undefined;
/** Whether the worker script exists, looked up once per URL (not once per image). */
let available: boolean | undefined;

/** Decode workers: one per available core, at most 4 (a decode is ~5 ms; more threads only contend). */
export function decodeWorkerCount(): number {
  available ??= workerScriptExists(workerUrl);
  return available ? Math.min(4, availableParallelism()) : 0;
}

/** The process-wide pool, started on first use; a pool that failed is replaced on the next call. */
function decodePool(size: number): WorkerPool<DecodeJob, Uint8Array> {
  if (pool === undefined || pool.failure !== undefined) {
    pool = createWorkerPool<DecodeJob, Uint8Array>({
      url: workerUrl,
      size,
      name: 'decode',
      remedy: 'Retry, or pass { workers: false } to decode on the main thread.',
      packageName: '@fpdb/loader',
    });
  }
  return pool;
}

/**
 * Reads and decodes one image (as {@link readImage}) on a pool of worker threads shared by the process,
 * so decoding uses every core and leaves the main thread to the training loop. Workers start on first
 * use and never keep the process alive when idle. Without the built worker script (sources run under a
 * test runner) it decodes on the calling thread. Same bytes either way.
 * @throws FpdbError as readImage; FPDB_WORKER when a decode worker cannot start or dies: every image
 * in flight on the pool is rejected with it and the next call starts a fresh pool.
 */
export function readImageInPool(file: string, options: DecodeOptions, where: ImageLocation): Promise<Uint8Array> {
  const size = decodeWorkerCount();
  if (size === 0) return readImage(file, options, where);
  return decodePool(size).request({ file, options: { ...options }, where: { ...where } });
}

/** @internal Points the pool at another worker script (tests use the built one) and drops the current workers. */
export async function setDecodeWorkerUrl(url: URL): Promise<void> {
  const old = pool;
  pool = undefined;
  workerUrl = url;
  available = undefined;
  await old?.close();
}
