import * as tf from '@tensorflow/tfjs-core';
import { accuracy, f1 } from '@fpdb/metrics';
import type { Model } from '../model/create-model.js';
import { arraySource, disposeBatch, type ArrayData, type BatchSource } from './batch.js';
import { softmaxCrossEntropy } from './loss.js';

/** Loss, accuracy and macro-F1 of a model over a data source, with the labels and predictions. */
export interface Evaluation {
  /** Mean softmax cross-entropy (no label smoothing, no class weights). */
  loss: number;
  accuracy: number;
  /** Macro-averaged F1 over all `numClasses` classes (absent classes score 0, as scikit-learn with labels=range(K)). */
  macroF1: number;
  labels: Int32Array;
  predictions: Int32Array;
  count: number;
}

/** Turns an {@link ArrayData} or a {@link BatchSource} into a source. */
export function toSource(source: BatchSource | ArrayData): BatchSource {
  return typeof source === 'function' ? source : arraySource({ shuffle: false, ...source });
}

/** Labels of a batch as an Int32Array (reads a tensor). */
export function labelsOf(labels: Int32Array | tf.Tensor1D): Int32Array {
  return labels instanceof tf.Tensor ? Int32Array.from(labels.dataSync()) : labels;
}

/** Accuracy and macro-F1 of predictions, via @fpdb/metrics. */
export function scores(labels: Int32Array, predictions: Int32Array, numClasses: number): { accuracy: number; macroF1: number } {
  if (labels.length === 0) return { accuracy: NaN, macroF1: NaN };
  return {
    accuracy: accuracy(labels, predictions, { numClasses }),
    macroF1: f1(labels, predictions, { average: 'macro', numClasses, zeroDivision: 0 }),
  };
}

/**
 * Evaluates a model in inference mode. Batch tensors from the source are disposed.
 * @example const { accuracy, macroF1 } = await evaluate(model, { images, labels });
 */
export async function evaluate(model: Model, source: BatchSource | ArrayData, options: { epoch?: number } = {}): Promise<Evaluation> {
  const labels: number[] = [];
  const predictions: number[] = [];
  let lossSum = 0;
  const k = model.config.numClasses;
  for await (const batch of toSource(source)(options.epoch ?? 0)) {
    try {
      const y = labelsOf(batch.labels);
      const [loss, preds] = tf.tidy(() => {
        const logits = model.apply(batch.images);
        const targets = tf.oneHot(tf.tensor1d(y, 'int32'), k) as tf.Tensor2D;
        return [softmaxCrossEntropy(logits, tf.cast(targets, 'float32'), undefined, 1).dataSync()[0]!, tf.argMax(logits, -1).dataSync()];
      });
      lossSum += loss;
      labels.push(...y);
      predictions.push(...preds);
    } finally {
      disposeBatch(batch);
    }
  }
  const l = Int32Array.from(labels);
  const p = Int32Array.from(predictions);
  return { loss: lossSum / Math.max(1, l.length), ...scores(l, p, k), labels: l, predictions: p, count: l.length };
}
