import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
import type { ImageLocation } from '../internal/location.js';
import { readImage, type DecodeOptions } from './decode-image.js';

/** A decode request sent to a worker. */
export interface DecodeJob {
  id: number;
  file: string;
  options: DecodeOptions;
  where: ImageLocation;
}

/** A worker's answer: the pixels, or the error (an FpdbError's code, message and details). */
export type DecodeReply = { id: number; pixels: Uint8Array } | { id: number; error: { code?: FpdbErrorCode; message: string; details?: FpdbErrorDetails } };

interface Pending {
  resolve(pixels: Uint8Array): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

// In dist/ every module is flat beside decode-worker.js; from src/ the URL names no file (→ main thread).
let workerUrl = new URL('./decode-worker.js', import.meta.url);
let workers: PoolWorker[] = [];
let nextId = 0;
/** Whether the worker script exists, looked up once per URL (not once per image). */
let available: boolean | undefined;

/** Whether the built worker script exists (true in dist/, false when the sources run under a test runner). */
function workerAvailable(): boolean {
  available ??= workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
  return available;
}

/** Decode workers: one per available core, at most 4 (a decode is ~5 ms; more threads only contend). */
export function decodeWorkerCount(): number {
  return workerAvailable() ? Math.min(4, availableParallelism()) : 0;
}

function spawn(): PoolWorker {
  const entry: PoolWorker = { worker: new Worker(workerUrl), pending: new Map() };
  const fail = (error: Error): void => {
    workers = workers.filter((w) => w !== entry);
    for (const p of entry.pending.values()) p.reject(error);
    entry.pending.clear();
  };
  entry.worker.on('message', (reply: DecodeReply) => {
    const p = entry.pending.get(reply.id);
    if (!p) return;
    entry.pending.delete(reply.id);
    if (entry.pending.size === 0) entry.worker.unref();
    if ('pixels' in reply) p.resolve(reply.pixels);
    else if (reply.error.code) p.reject(new FpdbError(reply.error.code, reply.error.message, { details: reply.error.details ?? {} }));
    else p.reject(new FpdbError('FPDB_WORKER', `A decode worker failed: ${reply.error.message}`));
  });
  entry.worker.on('error', (error) => fail(new FpdbError('FPDB_WORKER', `A decode worker crashed (${error.message}); the images it held were not decoded. Retry, or pass workers: 0 to decode on the main thread.`, { cause: error })));
  entry.worker.on('exit', (code) => fail(new FpdbError('FPDB_WORKER', `A decode worker exited (code ${code}) with images still to decode. Retry, or pass workers: 0 to decode on the main thread.`)));
  entry.worker.unref();
  return entry;
}

/**
 * Reads and decodes one image (as {@link readImage}) on a pool of worker threads shared by the process,
 * so decoding uses every core and leaves the main thread to the training loop. Workers start on first
 * use and never keep the process alive when idle. Without the built worker script (sources run under a
 * test runner) it decodes on the calling thread. Same bytes either way.
 * @throws FpdbError as readImage; FPDB_WORKER when a worker dies with the image in hand.
 */
export function readImageInPool(file: string, options: DecodeOptions, where: ImageLocation): Promise<Uint8Array> {
  const size = decodeWorkerCount();
  if (size === 0) return readImage(file, options, where);
  while (workers.length < size) workers.push(spawn());
  const target = workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    target.pending.set(id, { resolve, reject });
    target.worker.ref();
    target.worker.postMessage({ id, file, options: { ...options }, where: { ...where } } satisfies DecodeJob);
  });
}

/** @internal Points the pool at another worker script (tests use the built one) and drops the current workers. */
export async function setDecodeWorkerUrl(url: URL): Promise<void> {
  const old = workers;
  workers = [];
  workerUrl = url;
  available = undefined;
  await Promise.all(old.map((w) => w.worker.terminate()));
}
