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
}

/**
 * Adapts a pipeline to the loader's augmentation hook `(batch, rng) => batch`: returns a copy of the
 * batch with new `images` (and `soft` when the pipeline mixes labels); the input is not changed and all
 * other fields pass through. Deterministic in `rng`.
 * @throws FpdbError `FPDB_SHAPE` when `images` does not match batchSize·height·width (at call time).
 * @example createLoader({ …, augment: asLoaderHook(ultrasoundDefaults()) })
 */
export function asLoaderHook(pipeline: Transform, options: LoaderHookOptions = {}): <B extends LoaderBatchLike>(batch: B, rng: Rng) => B & { soft?: Float32Array } {
  return <B extends LoaderBatchLike>(batch: B, rng: Rng): B & { soft?: Float32Array } => {
    const out = pipeline.apply(
      {
        data: batch.images,
        batch: batch.batchSize,
        height: batch.height,
        width: batch.width,
        labels: batch.labels,
        ...(batch.soft ? { soft: batch.soft } : {}),
        ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
      },
      rng,
    );
    return { ...batch, images: out.data, ...(out.soft ? { soft: out.soft } : {}) };
  };
}
