import os from 'node:os';
import type { SummaryRow } from '../model/types.js';
import { estimateTrainingHeap, microBatchSize } from './training-memory.js';

/**
 * The most workers `'auto'` picks. The workers sum the gradients and update the weights among themselves
 * in shared memory (no serial step on the main thread), so cores are the limit; this only bounds the
 * threads (each a full model and wasm heap) on very large machines, where the memory check usually binds first.
 */
export const MAX_AUTO_WORKERS = 64;
/** The fewest images per worker `'auto'` plans for: smaller shards spend more on messages than on compute. */
export const MIN_AUTO_SHARD = 4;
/** The share of the machine's memory that the workers' heaps (estimated) may take together. */
const MEMORY_SHARE = 0.5;

/** Options of {@link resolveAutoWorkers}. */
export interface AutoWorkersOptions {
  /** The model to train (its summary and parameter count size the heap estimate). */
  model: { summary(): SummaryRow[]; paramCount(): { total: number } };
  /** Images per step (the first batch's). */
  batch: number;
  /** The workers' backend: the wasm heap is checked only for 'wasm'. */
  backend: string;
  /** Cores available. Default `os.availableParallelism()`. */
  cores?: number;
  /** Memory the workers may share, in bytes. Default half of `os.totalmem()`. */
  memoryBytes?: number;
}

/** What {@link resolveAutoWorkers} chose, and which limit set it. */
export interface AutoWorkers {
  /** ≥ 1; 1 means training in this thread (no worker threads). */
  workers: number;
  limitedBy: 'cores' | 'batch' | 'memory';
}

/**
 * Resolves `workers: 'auto'`: one worker per available core (`os.availableParallelism()`), at most
 * {@link MAX_AUTO_WORKERS} and at most one per {@link MIN_AUTO_SHARD} images of the batch; fewer when the
 * workers' estimated wasm heaps ({@link estimateTrainingHeap}) and shared gradient regions together would
 * pass half the machine's memory. A shard larger than one wasm heap takes is not a reason for more workers
 * than cores: each worker differentiates it in micro-batches ({@link microBatchSize}).
 *
 * @example resolveAutoWorkers({ model, batch: 16, backend: 'wasm', cores: 2 }) // { workers: 2, limitedBy: 'cores' }
 */
export function resolveAutoWorkers(options: AutoWorkersOptions): AutoWorkers {
  const cores = Math.max(1, Math.floor(options.cores ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length)));
  const batch = Math.max(1, Math.floor(options.batch));
  const byBatch = Math.max(1, Math.floor(batch / MIN_AUTO_SHARD));
  let workers = Math.min(cores, MAX_AUTO_WORKERS, byBatch);
  let limitedBy: AutoWorkers['limitedBy'] = workers === byBatch && byBatch < Math.min(cores, MAX_AUTO_WORKERS) ? 'batch' : 'cores';
  if (options.backend !== 'wasm') return { workers, limitedBy };
  const rows = options.model.summary();
  const params = options.model.paramCount().total;
  // A worker's heap holds one micro-batch of its shard at a time.
  const heap = (n: number): number => estimateTrainingHeap(rows, params, microBatchSize(options.model, Math.ceil(batch / n), 'wasm')).bytes;
  const memory = options.memoryBytes ?? MEMORY_SHARE * os.totalmem();
  // Outside the heaps: one shared gradient region per worker, the weights and Adam's two slots.
  const shared = (n: number): number => 4 * params * (n + 3);
  while (workers > 1 && workers * heap(workers) + shared(workers) > memory) {
    workers -= 1;
    limitedBy = 'memory';
  }
  return { workers, limitedBy };
}
