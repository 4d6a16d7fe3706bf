import type { Rng } from '@fpdb/schema';
import type { Transform } from './transform.js';

/**
 * The structural shape of a loader batch in the typed-array stream: `images` row-major
 * `[batchSize, height, width]` (one channel) in [0, 1], `labels` one class index per image, optional
 * `soft` labels `[batchSize, numClasses]`. Any object with these fields fits.
 */
export interface LoaderBatchLike {
  images: Float32Array;
  batchSize: number;
  height: number;
  width: number;
  labels: Int32Array;
  soft?: Float32Array;
}

/** Options of {@link asLoaderHook}. */
export interface LoaderHookOptions {
  /** Class count for MixUp/CutMix when the batch has no `soft` labels. */
  numClasses?: number;
  /**
   * Augment `batch.images` in place (default true: the loader makes a new array for every batch, so
   * nothing else sees it, and a whole-batch copy per step is saved). Pass false to leave the input as it was.
   */
  inPlace?: boolean;
}

/**
 * Adapts a pipeline to the loader's augmentation hook `(batch, rng) => batch`: returns the batch with its
 * `images` augmented (in place unless `inPlace: false`) and new `soft` labels when the pipeline mixes
 * them; all other fields pass through. Deterministic in `rng`.
 * @throws FpdbError `FPDB_SHAPE` when `images` does not match batchSize·height·width (at call time).
 * @example createLoader({ …, augment: asLoaderHook(ultrasoundDefaults()) })
 */
export function asLoaderHook(pipeline: Transform, options: LoaderHookOptions = {}): <B extends LoaderBatchLike>(batch: B, rng: Rng) => B & { soft?: Float32Array } {
  const inPlace = options.inPlace ?? true;
  return <B extends LoaderBatchLike>(batch: B, rng: Rng): B & { soft?: Float32Array } => {
    const input = {
      data: batch.images,
      batch: batch.batchSize,
      height: batch.height,
      width: batch.width,
      labels: batch.labels,
      ...(batch.soft ? { soft: batch.soft } : {}),
      ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
    };
    const out = inPlace ? pipeline.applyInPlace(input, rng) : pipeline.apply(input, rng);
    return { ...batch, images: out.data, ...(out.soft ? { soft: out.soft } : {}) };
  };
}
