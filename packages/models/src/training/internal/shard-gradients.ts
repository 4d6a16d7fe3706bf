import * as tf from '@tensorflow/tfjs-core';
import { microBatchSize } from '../../backend/training-memory.js';
import type { Model } from '../../model/create-model.js';
import { underPrefix } from '../fine-tune.js';
import { softmaxCrossEntropy } from '../loss.js';

/** One (part of a) batch to differentiate. */
export interface ShardInput {
  images: tf.Tensor4D;
  /** [b, K] smoothed targets. */
  targets: tf.Tensor2D;
  /** [b] per-sample weights (class weights), or undefined for 1. */
  sampleWeights?: tf.Tensor1D;
  /** Size of the whole batch: the loss is Σ wᵢ CEᵢ / normalizer, so shard gradients add up. */
  normalizer: number;
  /** Dropout seed of this step. */
  seed: number;
  /**
   * Train only the parameters under these prefixes (the head): the backbone is frozen, its batch norm
   * runs in inference mode and it is not differentiated. Default: train everything.
   */
  headOnly?: readonly string[];
}

/** Gradients of one shard. The caller owns every tensor. */
export interface ShardResult {
  /** Parameter name → gradient of Σ wᵢ CEᵢ / normalizer. */
  grads: Map<string, tf.Tensor>;
  /** Batch-norm moving statistics after this shard (name → value). */
  stateUpdates: Map<string, tf.Tensor>;
  /** Σ wᵢ CEᵢ over the shard (not normalised). */
  lossSum: number;
  /** Arg-max class of each sample, from the training-mode logits. */
  predictions: Int32Array;
}

/** The parameters a step differentiates: all trainable ones, or only the head's while the backbone is frozen. */
export function trainedNames(model: Model, headOnly: readonly string[] | undefined): readonly string[] {
  return headOnly ? model.trainableNames.filter((n) => underPrefix(n, headOnly)) : model.trainableNames;
}

/**
 * Forward + backward of one shard in training mode. Gradients come for {@link trainedNames} only.
 * A shard too large for the wasm heap in one pass ({@link microBatchSize}) runs as micro-batches whose
 * gradients and losses add up, each with its own batch statistics (as each worker's shard has), and
 * whose batch-norm moving statistics are averaged by size (as the workers' are).
 * @param maxImages images per pass (default: what the backend's heap allows).
 */
export function shardGradients(model: Model, input: ShardInput, maxImages = microBatchSize(model, input.images.shape[0], tf.getBackend())): ShardResult {
  const n = input.images.shape[0];
  if (maxImages >= n) return differentiate(model, input);
  const grads = new Map<string, tf.Tensor>();
  const stateUpdates = new Map<string, tf.Tensor>();
  const predictions = new Int32Array(n);
  let lossSum = 0;
  const accumulate = (into: Map<string, tf.Tensor>, name: string, value: tf.Tensor): void => {
    const before = into.get(name);
    into.set(name, before ? tf.add(before, value) : value);
    if (before) tf.dispose([before, value]);
  };
  try {
    for (let start = 0, part = 0; start < n; start += maxImages, part += 1) {
      const size = Math.min(maxImages, n - start);
      const slice = <T extends tf.Tensor>(t: T): T => tf.slice(t, start, size) as T;
      const images = slice(input.images);
      const targets = slice(input.targets);
      const sampleWeights = input.sampleWeights ? slice(input.sampleWeights) : undefined;
      try {
        // Each micro-batch its own dropout masks, as each worker's shard has.
        const result = differentiate(model, { ...input, images, targets, ...(sampleWeights ? { sampleWeights } : {}), seed: input.seed * 31 + part });
        for (const [name, g] of result.grads) accumulate(grads, name, g);
        for (const [name, v] of result.stateUpdates) {
          accumulate(
            stateUpdates,
            name,
            tf.tidy(() => tf.mul(v, size / n)),
          );
          v.dispose();
        }
        lossSum += result.lossSum;
        predictions.set(result.predictions, start);
      } finally {
        tf.dispose([images, targets, ...(sampleWeights ? [sampleWeights] : [])]);
      }
    }
  } catch (error) {
    tf.dispose([...grads.values(), ...stateUpdates.values()]);
    throw error;
  }
  return { grads, stateUpdates, lossSum, predictions };
}

function differentiate(model: Model, input: ShardInput): ShardResult {
  const stateUpdates = new Map<string, tf.Tensor>();
  const names = trainedNames(model, input.headOnly);
  const vars = names.map((n) => model.variables.get(n)!);
  const head = input.headOnly;
  let predictions: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.apply(input.images, { training: true, stateUpdates, seed: input.seed, ...(head ? { frozen: (layer: string) => !underPrefix(layer, head) } : {}) });
    predictions = tf.keep(tf.argMax(logits, -1));
    return softmaxCrossEntropy(logits, input.targets, input.sampleWeights, input.normalizer);
  }, vars);
  const lossSum = value.dataSync()[0]! * input.normalizer;
  value.dispose();
  const preds = Int32Array.from(predictions!.dataSync());
  predictions!.dispose();
  const byVarName = new Map(vars.map((v, i) => [v.name, names[i]!]));
  const named = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) named.set(byVarName.get(varName)!, g);
  return { grads: named, stateUpdates, lossSum, predictions: preds };
}
