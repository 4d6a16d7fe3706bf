import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import type { Model } from '../model/create-model.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Images per forward pass (default 32). */
  batchSize?: number;
  /** 'flip': average the probabilities of each image and its horizontal mirror (default 'none'). */
  tta?: 'none' | 'flip';
}

/** Class probabilities of N images. */
export interface Predictions {
  /** Row-major [N, K] softmax probabilities. */
  probabilities: Float32Array;
  /** Arg-max class per image. */
  classes: Int32Array;
  numClasses: number;
  count: number;
  /** Probabilities as N rows of K numbers. */
  rows(): number[][];
}

/**
 * Class probabilities for images given as a tensor [N, H, W, 1] of preprocessed pixels (not disposed).
 * Runs in inference mode, `batchSize` images at a time; optional horizontal-flip test-time augmentation.
 * Image files are read by `@fpdb/loader` with the checkpoint's preprocessing (`predictFiles` in
 * `@fpdb/experiment` does it all), so prediction sees exactly the pixels training saw.
 * @throws FpdbError FPDB_SHAPE for a wrong tensor shape; FPDB_INVALID_ARGUMENT for a bad batch size.
 * @example
 * const { model } = await loadCheckpoint('runs/cnn/best');
 * const p = await predict(model, images, { tta: 'flip' }); // images: tf.Tensor4D [N, H, W, 1]
 * p.classes[0];
 */
export async function predict(model: Model, input: tf.Tensor4D, options: PredictOptions = {}): Promise<Predictions> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `batchSize must be a positive integer but is ${batchSize}.`, { details: { value: batchSize } });
  }
  const k = model.config.numClasses;
  const forward = (x: tf.Tensor4D): Float32Array =>
    tf.tidy(() => {
      const probs = tf.softmax(model.apply(x));
      const p = options.tta === 'flip' ? tf.div(tf.add(probs, tf.softmax(model.apply(tf.reverse(x, 2)))), 2) : probs;
      return p.dataSync() as Float32Array;
    });
  if (!(input instanceof tf.Tensor) || input.rank !== 4 || input.shape[3] !== 1) {
    const shape = input instanceof tf.Tensor ? `[${input.shape.join(', ')}]` : typeof input;
    throw new FpdbError('FPDB_SHAPE', `predict needs images as a tensor [N, H, W, 1] but got ${shape}. Read image files with @fpdb/loader (or predictFiles of @fpdb/experiment).`, {
      details: { value: input instanceof tf.Tensor ? input.shape : typeof input },
    });
  }
  const n = input.shape[0];
  const probabilities = new Float32Array(n * k);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const x = tf.slice(input, [start, 0, 0, 0], [size, -1, -1, -1]);
    probabilities.set(forward(x), start * k);
    x.dispose();
  }
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    classes[i] = best;
  }
  const probs = probabilities;
  return {
    probabilities: probs,
    classes,
    numClasses: k,
    count: n,
    rows: () => Array.from({ length: n }, (_, i) => Array.from(probs.subarray(i * k, (i + 1) * k))),
  };
}
