import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import type { SummaryRow } from '../model/types.js';

/** The tfjs wasm backend's heap ceiling (emscripten's getHeapMax in tfjs-backend-wasm 4.22): 4 GiB − 64 KiB. */
export const WASM_HEAP_MAX_BYTES = 4294901760;
/** What a step may plan to use of it: the rest is headroom for the allocator's fragmentation. */
export const WASM_HEAP_BUDGET_BYTES = 3.5 * 2 ** 30;
/**
 * Bytes of wasm heap per element of the named layers' outputs, per image: a training step keeps the
 * tensors every op saved for backprop (conv inputs, batch norm inputs, activation outputs,
 * concatenations) while backprop frees each node's share as it passes it. Measured per image (heap
 * slope between batch 4 and 8, bench/memory.mjs): DenseNet-121 224² 204 MB over 25.3 M elements
 * (8.1 B), MobileNetV2 224² 85 MB over 14.4 M (5.9 B); ResNet-18 far below. The largest, rounded up,
 * so that no network passes the check and then aborts; with the 32 B a parameter below (measured: ~0)
 * DenseNet-121 at 16 images is estimated at 3.7 GB against 3.3 GB extrapolated.
 */
const BYTES_PER_ACTIVATION = 8.5;
/** Weights, gradients, Adam's two moments, the summed gradients and the update: ~8 copies of the parameters. */
const BYTES_PER_PARAMETER = 32;
const FIXED_BYTES = 64 * 2 ** 20;

/** What {@link estimateTrainingHeap} reports. */
export interface TrainingHeapEstimate {
  /** Estimated peak wasm heap of one training step at `batch`, in bytes. */
  bytes: number;
  /** The largest batch (per worker) whose estimate stays within {@link WASM_HEAP_BUDGET_BYTES}, ≥ 0. */
  maxBatch: number;
}

/**
 * Estimated peak wasm heap of one training step (forward, backward, optimizer) of a model at `batch`
 * images, from its summary rows (output shapes without the batch) and parameter count.
 * @example estimateTrainingHeap(model.summary(), model.paramCount().total, 16).maxBatch // 29 for MobileNetV2 224²
 */
export function estimateTrainingHeap(rows: readonly SummaryRow[], params: number, batch: number): TrainingHeapEstimate {
  const perImage = BYTES_PER_ACTIVATION * rows.reduce((sum, r) => sum + r.outputShape.reduce<number>((p, q) => p * (q ?? 1), 1), 0);
  const fixed = FIXED_BYTES + BYTES_PER_PARAMETER * params;
  return { bytes: fixed + perImage * batch, maxBatch: Math.max(0, Math.floor((WASM_HEAP_BUDGET_BYTES - fixed) / Math.max(perImage, 1))) };
}

/**
 * The most images one forward/backward pass of `model` may take on the wasm backend: a shard larger than
 * this is differentiated in micro-batches of at most this many images whose gradients add up (batch norm
 * then normalises each micro-batch, as it normalises each worker's shard). Whole `images` when they fit,
 * or on another backend; micro-batches as equal as can be (16 past a limit of 13 → 8 + 8).
 * @example microBatchSize(densenet169, 16, 'wasm') // 8
 */
export function microBatchSize(model: { summary(): SummaryRow[]; paramCount(): { total: number } }, images: number, backend: string): number {
  if (backend !== 'wasm' || images <= 1) return images;
  const estimate = estimateTrainingHeap(model.summary(), model.paramCount().total, images);
  if (estimate.bytes <= WASM_HEAP_BUDGET_BYTES) return images;
  const parts = Math.ceil(images / Math.max(1, estimate.maxBatch));
  return Math.ceil(images / parts);
}

/**
 * Refuses, before it runs, a training step that would exhaust the wasm heap even one image at a time
 * (which ends the process or worker with `Aborted()`, not an error). A larger shard than fits is split
 * into micro-batches ({@link microBatchSize}), so only the input size can make a step too large. Only
 * for the 'wasm' backend; others pass.
 * @throws FpdbError FPDB_INVALID_ARGUMENT saying what one image needs.
 */
export function assertTrainingFits(model: { summary(): SummaryRow[]; paramCount(): { total: number } }, batch: number, options: { workers?: number; backend: string }): void {
  if (options.backend !== 'wasm' || batch < 1) return;
  const estimate = estimateTrainingHeap(model.summary(), model.paramCount().total, 1);
  if (estimate.bytes <= WASM_HEAP_BUDGET_BYTES) return;
  const gib = (b: number): string => (b / 2 ** 30).toFixed(1);
  throw new FpdbError(
    'FPDB_INVALID_ARGUMENT',
    `A training step needs about ${gib(estimate.bytes)} GiB of wasm heap for a single image at this input size; the wasm backend has at most ${gib(WASM_HEAP_MAX_BYTES)} GiB per ${(options.workers ?? 1) > 1 ? 'worker' : 'thread'}. Use a smaller input size, or the cpu backend.`,
    { details: { value: batch } },
  );
}

/** The backend a step runs on: the workers' choice ('auto' is wasm where it loads), else this thread's. */
export function stepBackend(workers: number | undefined, workerBackend: string | undefined): string {
  if (workers) return workerBackend === undefined || workerBackend === 'auto' ? 'wasm' : workerBackend;
  return tf.getBackend();
}
