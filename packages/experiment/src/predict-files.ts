import * as tf from '@tensorflow/tfjs-core';
import { predict, type Model, type Predictions, type PredictOptions } from '@fpdb/models';
import { FpdbError, type Preprocess } from '@fpdb/schema';
import { readModelInputs } from './model-inputs.js';

/** Options of {@link predictFiles}. */
export interface PredictFilesOptions extends PredictOptions {
  /** How files become inputs: the checkpoint's own (`checkpointPreprocess(metadata)`). */
  preprocess: Preprocess;
  /** Called after each batch with the number of files done. */
  onProgress?: (p: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

/**
 * Class probabilities of image files: each batch of `batchSize` files is read by `@fpdb/loader` with the
 * given preprocessing (the checkpoint's), predicted, and let go, so memory stays at one batch however
 * many files there are. The same numbers as `fpdb predict`.
 * @throws FpdbError as {@link readModelInputs} for an unreadable file; FPDB_ABORTED when `signal` fires.
 * @example
 * const { model, metadata } = await loadCheckpoint('runs/demo/checkpoints/best');
 * const p = await predictFiles(model, ['scan.png'], { preprocess: checkpointPreprocess(metadata) });
 * metadata.labels.classes[p.classes[0]];
 */
export async function predictFiles(model: Model, files: readonly string[], options: PredictFilesOptions): Promise<Predictions> {
  const { preprocess, onProgress, signal, ...predictOptions } = options;
  const batchSize = predictOptions.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `batchSize must be a positive integer but is ${batchSize}.`, { details: { value: batchSize } });
  }
  const k = model.config.numClasses;
  const probabilities = new Float32Array(files.length * k);
  const classes = new Int32Array(files.length);
  for (let start = 0; start < files.length; start += batchSize) {
    if (signal?.aborted) throw new FpdbError('FPDB_ABORTED', `Prediction was stopped after ${start} of ${files.length} files.`);
    const { images, shape } = await readModelInputs(files.slice(start, start + batchSize), preprocess);
    const x = tf.tensor4d(images, shape);
    try {
      const p = await predict(model, x, predictOptions);
      probabilities.set(p.probabilities, start * k);
      classes.set(p.classes, start);
    } finally {
      x.dispose();
    }
    onProgress?.({ done: Math.min(files.length, start + batchSize), total: files.length });
  }
  return {
    probabilities,
    classes,
    numClasses: k,
    count: files.length,
    rows: () => Array.from({ length: files.length }, (_, i) => Array.from(probabilities.subarray(i * k, (i + 1) * k))),
  };
}
