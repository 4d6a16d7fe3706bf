import * as tf from '@tensorflow/tfjs-core';
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

/** Forward + backward of one shard in training mode. Gradients come for {@link trainedNames} only. */
export function shardGradients(model: Model, input: ShardInput): ShardResult {
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
