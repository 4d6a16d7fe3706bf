import * as tf from '@tensorflow/tfjs-core';

/**
 * Targets for the cross-entropy: one-hot (or given soft targets) with label smoothing ε:
 * `(1 − ε)·t + ε/K`. Returns a new [B, K] tensor.
 * @example smoothTargets(tf.tensor1d([0, 2], 'int32'), 3, 0.1) // [[0.933, 0.033, 0.033], …]
 */
export function smoothTargets(labels: tf.Tensor1D, numClasses: number, smoothing: number, soft?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const t = soft ?? (tf.cast(tf.oneHot(tf.cast(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D);
    return smoothing > 0 ? tf.add(tf.mul(t, 1 - smoothing), smoothing / numClasses) : tf.clone(t);
  });
}

/**
 * Σᵢ wᵢ · CE(logitsᵢ, targetsᵢ) / normalizer — the weighted softmax cross-entropy summed over the
 * batch and divided by `normalizer` (the full batch size, so that data-parallel shards add up to the
 * whole batch's mean). Returns a scalar tensor owned by the caller.
 * @example softmaxCrossEntropy(logits, targets, undefined, logits.shape[0])
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, sampleWeights: tf.Tensor1D | undefined, normalizer: number): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1));
    const weighted = sampleWeights ? tf.mul(perSample, sampleWeights) : perSample;
    return tf.div(tf.sum(weighted), normalizer) as tf.Scalar;
  });
}
