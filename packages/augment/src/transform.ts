import { createRng, FpdbError, type Rng } from '@fpdb/schema';
import { assertImageBatch, type ImageBatch } from './image-batch.js';
import { Work } from './internal/work.js';

/** The JSON form of one transform: its `type` and its options. Nested pipelines hold `transforms`. */
export interface TransformJSON {
  type: string;
  [option: string]: unknown;
}

/** A seed (number or string) or a live {@link Rng} (which the call advances). */
export type Seed = number | string | Rng;

/** Turns a {@link Seed} into an {@link Rng}. */
export function toRng(seed: Seed): Rng {
  return typeof seed === 'number' || typeof seed === 'string' ? createRng(seed) : seed;
}

/**
 * One augmentation step, or a pipeline of them: applies to an {@link ImageBatch} with per-sample random
 * parameters drawn from a seeded source (same seed → same bytes), and serialises to JSON.
 * Create one with a factory such as `rotate()` or `compose([...])`; never subclass it.
 */
export abstract class Transform {
  /** The JSON `type` of this transform, e.g. `'rotate'`. */
  abstract readonly type: string;
  /** True for MixUp and CutMix, which mix images across the batch and produce soft labels. */
  readonly batchLevel: boolean = false;

  /** The options needed to rebuild this transform with `pipelineFromJSON`. */
  abstract toJSON(): TransformJSON;

  /** @internal Runs on the shared work state. */
  abstract run(work: Work, rng: Rng): void;

  /**
   * Augments a batch and returns a new one of the same array type (the input is not changed).
   * Float32 input stays float32 in [0, 1]; Uint8 input is rounded back to 0–255.
   * @throws FpdbError `FPDB_SHAPE` for an ill-formed batch, `FPDB_INVALID_ARGUMENT` when MixUp/CutMix
   *   have neither labels with a class count nor soft labels.
   * @example const out = rotate({ degrees: 10 }).apply({ data, batch: 32, height: 128, width: 128 }, 42);
   */
  apply<D extends Float32Array | Uint8Array>(batch: ImageBatch<D>, seed: Seed): ImageBatch<D> {
    return runTransform(this, batch, seed, false);
  }

  /**
   * Augments a float32 batch IN PLACE: `batch.data` is overwritten with the result and is the returned
   * batch's `data` (soft labels, when the pipeline makes them, are new arrays). The bytes equal
   * {@link Transform.apply}'s for the same seed. Use it on a batch that is yours to change, as the loader
   * hook does: it saves allocating and copying the whole batch per call, which at 224² costs more than a
   * flip or a brightness change itself.
   * @throws FpdbError as {@link Transform.apply}, and `FPDB_INVALID_ARGUMENT` for a Uint8Array batch.
   * @example const { soft } = ultrasoundDefaults().applyInPlace({ data, batch: 32, height: 128, width: 128 }, step);
   */
  applyInPlace(batch: ImageBatch<Float32Array>, seed: Seed): ImageBatch<Float32Array> {
    if (!((batch.data as unknown) instanceof Float32Array)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `applyInPlace needs a Float32Array batch in [0, 1]; got ${Object.prototype.toString.call(batch.data)}. Use apply() for uint8 batches.`);
    }
    return runTransform(this, batch, seed, true);
  }
}

function runTransform<D extends Float32Array | Uint8Array>(t: Transform, batch: ImageBatch<D>, seed: Seed, inPlace: boolean): ImageBatch<D> {
  assertImageBatch(batch);
  const rng = toRng(seed);
  const { batch: b, height: h, width: w } = batch;
  const n = b * h * w;
  const src = batch.data;
  let data: Float32Array;
  if (src instanceof Float32Array) data = inPlace ? src : new Float32Array(src);
  else {
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = src[i]! / 255;
  }
  const work = new Work(data, b, h, w);
  work.labels = batch.labels;
  if (batch.soft) {
    work.soft = new Float32Array(batch.soft);
    work.numClasses = batch.numClasses ?? batch.soft.length / b;
  } else work.numClasses = batch.numClasses;
  t.run(work, rng);
  work.flush();
  const out: ImageBatch<D> = { ...batch, data: src instanceof Float32Array ? (work.data as D) : (toUint8(work.data) as D) };
  if (work.soft) {
    out.soft = work.soft;
    out.numClasses = work.numClasses;
  }
  return out;
}

function toUint8(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  // Uint8Array stores clamp-free modulo; round and clamp explicitly.
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]! * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
