import { FpdbError } from '@fpdb/schema';
import { createWorkerPool, workerScriptExists } from '@fpdb/internal/worker-pool';
import type { BackendChoice } from '../../backend/setup-backend.js';
import type { Model } from '../../model/create-model.js';
import type { EngineBatch, GradientEngine, StepOutcome } from '../internal/gradient-engine.js';
import type { Optimizer } from '../optimizer.js';
import { CONTROL_ABORT, CONTROL_APPLYING, CONTROL_ARRIVED, CONTROL_LENGTH, type SharedRegions, type StepRequest, type StepResult, type WorkerFault, type WorkerInit } from './protocol.js';
import { float32View } from './host-view.js';
import { abortStep, flatLayout, isPeerFailure } from './shared-step.js';

/** Options of {@link parallelEngine}. */
export interface ParallelOptions {
  workers: number;
  backend: BackendChoice;
  /** The built worker script (default: `parallel-worker.js` next to the package's dist/index.js). */
  workerUrl?: URL;
  /** Tests only: make one rank fail at one phase of every step. */
  fault?: WorkerFault;
}

/** The built worker next to this bundle (dist/), or the package's dist/ when running from source (tests). */
export function resolveWorkerUrl(): URL {
  const candidates = [new URL('./parallel-worker.js', import.meta.url), new URL('../../../dist/parallel-worker.js', import.meta.url)];
  const found = candidates.find(workerScriptExists);
  if (!found) {
    throw new FpdbError(
      'FPDB_WORKER',
      `The training worker script parallel-worker.js was not found (looked at ${candidates.map((u) => u.pathname).join(', ')}). Build @fpdb/models first (pnpm build), or pass workers: 0 to train on this thread.`,
    );
  }
  return found;
}

/** Optimizer slot names per parameter, in the order of the shared slot regions. */
function slotNames(optimizer: Optimizer): string[] {
  const c = optimizer.config;
  if (c.type === 'adam') return ['m', 'v'];
  return c.momentum === 0 ? [] : ['momentum'];
}

/** Bytes of shared memory a data-parallel run of `params` floats over `workers` workers allocates (gradient regions, weights, optimizer slots). */
export function sharedBytes(params: number, workers: number, slots = 2): number {
  return 4 * params * (workers + 1 + slots);
}

/**
 * Data-parallel training over worker threads, reduced in shared memory: each step splits the batch into
 * contiguous shards; worker r differentiates Σ wᵢ CEᵢ / B over shard r and writes its gradients to its
 * own shared region; after a barrier it sums slice r of every region (in rank order: the sum the main
 * thread used to make), adds weight decay and its part of the squared norm; after a second barrier every
 * worker knows the global norm, and worker r applies the optimizer (Adam/SGD, state in shared memory)
 * to slice r of the shared weights and averages slice r of the batch-norm statistics (shard-size
 * weighted: ghost batch norm). The main thread sends each worker its images and a few numbers and gets a
 * few back: it never touches a gradient or a weight during a step. `sync()` copies weights and
 * optimizer state back into `model` and `optimizer` (train() does so at every epoch's end).
 *
 * Results equal {@link localEngine}'s up to the float order of the shard sum (exact for one worker),
 * and the gradient norm is summed in float64 (it only matters for clipNorm). Barriers never hang on a
 * dead worker: a worker that throws, and the main thread when the pool fails, set an abort flag that
 * every waiting worker checks.
 * @throws FpdbError FPDB_WORKER when a worker cannot start (its setup error is the cause) or dies:
 * every worker is then stopped and the step in flight rejected; pass workers: 0 to train on this thread.
 * FPDB_CHECKPOINT_MISMATCH when the optimizer holds restored slots of another size.
 */
export async function parallelEngine(model: Model, optimizer: Optimizer, options: ParallelOptions): Promise<GradientEngine> {
  const url = options.workerUrl ?? resolveWorkerUrl();
  const { entries: layout, total } = flatLayout(model.specs);
  const names = slotNames(optimizer);
  const share = (): SharedArrayBuffer => new SharedArrayBuffer(total * 4);
  let regions: SharedRegions;
  try {
    regions = {
      weights: share(),
      grads: Array.from({ length: options.workers }, share),
      slots: names.map(share),
      touched: new SharedArrayBuffer(layout.length * 4),
      control: new SharedArrayBuffer(CONTROL_LENGTH * 4),
      partials: new SharedArrayBuffer(2 * options.workers * 8),
    };
  } catch (cause) {
    const gib = (sharedBytes(total, options.workers, names.length) / 2 ** 30).toFixed(1);
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `Training over ${options.workers} workers needs ${gib} GiB of shared memory for ${total} parameters (one gradient region per worker, the weights, the optimizer slots), which could not be allocated. Use fewer workers, or workers: 'auto'.`,
      { cause, details: { value: options.workers } },
    );
  }
  const weights = new Float32Array(regions.weights);
  const slots = regions.slots.map((b) => new Float32Array(b));
  const touched = new Int32Array(regions.touched);
  const control = new Int32Array(regions.control);
  const values = model.getWeights();
  for (const l of layout) weights.set(values.get(l.name)!, l.offset);
  // A restored (or earlier) optimizer state continues here.
  const start = optimizer.getState();
  layout.forEach((l, j) => {
    names.forEach((slot, s) => {
      const saved = start.slots.get(`${l.name}/${slot}`);
      if (!saved) return;
      if (saved.length !== l.size) {
        throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `Saved optimizer slot ${l.name}/${slot} has ${saved.length} values but its variable has ${l.size}.`);
      }
      slots[s]!.set(saved, l.offset);
      touched[j] = 1;
    });
  });
  let steps = start.step;
  // Where a batch without shared host data is copied for the workers to read. One step at a time uses
  // it (train() awaits each), and every worker has copied its shard into its backend before it replies.
  let staging: Float32Array = new Float32Array(0);
  const sharedImages = (batch: EngineBatch): Float32Array => {
    const host = batch.imageData;
    if (host && host.buffer instanceof SharedArrayBuffer) return host;
    const values = host ?? float32View(batch.images) ?? (batch.images.dataSync() as Float32Array);
    if (staging.length < values.length) staging = new Float32Array(new SharedArrayBuffer(values.length * 4));
    staging.set(values);
    return staging.subarray(0, values.length);
  };
  // Whether the shared weights moved since the last sync, and whether a failure left them half-written.
  let dirty = false;
  let torn = false;

  const init: WorkerInit = { config: model.config, backend: options.backend, optimizer: optimizer.config, shared: regions };
  const pool = createWorkerPool<StepRequest, StepResult>({
    url,
    size: options.workers,
    name: 'training',
    remedy: 'Pass workers: 0 to train on this thread.',
    packageName: '@fpdb/models',
    workerData: init,
  });
  try {
    await pool.ready();
  } catch (e) {
    await pool.close();
    throw e;
  }

  return {
    async step(batch, update): Promise<StepOutcome> {
      let started = performance.now();
      const [b, h, w] = batch.images.shape;
      const k = model.config.numClasses;
      // One copy at most (none for a batch already in shared memory): each shard is a view of it.
      const images = sharedImages(batch);
      const targets = batch.targets.dataSync() as Float32Array;
      const sampleWeights = batch.sampleWeights ? (batch.sampleWeights.dataSync() as Float32Array) : null;
      const shards = Math.min(pool.size, b);
      const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * b) / shards));
      const rates = Float64Array.from(layout, (l) => (!l.trainable ? 0 : typeof update.learningRate === 'number' ? update.learningRate : update.learningRate(l.name)));
      const shares = Array.from({ length: shards }, (_, s) => (bounds[s + 1]! - bounds[s]!) / b);
      // Every worker is idle between steps: the counters start over.
      Atomics.store(control, CONTROL_ARRIVED, 0);
      Atomics.store(control, CONTROL_ABORT, 0);
      Atomics.store(control, CONTROL_APPLYING, 0);
      const requests = Array.from({ length: shards }, (_, s) => {
        const lo = bounds[s]!;
        const hi = bounds[s + 1]!;
        const msg: StepRequest = {
          rank: s,
          shards,
          images: images.subarray(lo * h * w, hi * h * w),
          shape: [hi - lo, h, w, 1],
          targets: targets.slice(lo * k, hi * k),
          sampleWeights: sampleWeights ? sampleWeights.slice(lo, hi) : null,
          normalizer: b,
          seed: batch.seed * 31 + s,
          headOnly: batch.headOnly ? [...batch.headOnly] : null,
          rates,
          weightDecay: update.weightDecay,
          clipNorm: update.clipNorm ?? null,
          step: steps + 1,
          shares,
          fault: options.fault ?? null,
        };
        // The pool hands each of these to a different idle worker: each rank on its own thread.
        return pool.request(msg, { transfer: [msg.targets.buffer as ArrayBuffer] });
      });
      let mainMs = performance.now() - started;
      const settled = await Promise.allSettled(requests);
      started = performance.now();
      const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      if (failed.length > 0) {
        abortStep(control);
        if (Atomics.load(control, CONTROL_APPLYING) !== 0) torn = true;
        // The failure itself, not a worker that left because of it.
        throw failed.find((e) => !isPeerFailure(e)) ?? failed[0];
      }
      const results = (settled as PromiseFulfilledResult<StepResult>[]).map((r) => r.value);
      const predictions = new Int32Array(b);
      results.forEach((r, s) => predictions.set(r.predictions, bounds[s]!));
      const applied = results[0]!.applied;
      if (applied) {
        steps += 1;
        dirty = true;
      }
      mainMs += performance.now() - started;
      return {
        lossSum: results.reduce((n, r) => n + r.lossSum, 0),
        norm: results[0]!.norm,
        predictions,
        applied,
        timeline: { mainMs, workers: results.map((r) => r.timeline) },
      };
    },
    sync(): void {
      // After a worker died mid-update the shared weights are neither the old nor the new ones: the
      // model keeps those of the last sync.
      if (!dirty || torn) return;
      model.setWeights(new Map(layout.map((l) => [l.name, weights.slice(l.offset, l.offset + l.size)])));
      const saved = new Map<string, Float32Array>();
      layout.forEach((l, j) => {
        if (touched[j] === 0) return;
        names.forEach((slot, s) => saved.set(`${l.name}/${slot}`, slots[s]!.slice(l.offset, l.offset + l.size)));
      });
      optimizer.setState({ config: optimizer.config, step: steps, slots: saved });
      dirty = false;
    },
    close(): Promise<void> {
      return pool.close();
    },
  };
}
