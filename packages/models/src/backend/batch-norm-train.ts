import * as tf from '@tensorflow/tfjs-core';
import { getGradient, getKernel, registerGradient, registerKernel } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTrainCpuConfig, batchNormTrainGradCpuConfig, batchNormTrainGradWasmConfig, batchNormTrainWasmConfig } from './kernels/batch-norm-train.js';

/**
 * The gradient of {@link BATCH_NORM_TRAIN}: one call of {@link BATCH_NORM_TRAIN_GRAD} gives dx, dscale
 * and doffset (two passes over x and dy). It replaces tfjs' FusedBatchNorm gradient + the gradients of
 * tf.moments, whose chain tiles 1/σ to the full shape and materialises a dozen full-size tensors.
 */
export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [dy, dmean, dvariance] = dys as tf.Tensor[];
    const [x, scale, mean, variance] = saved;
    const [dx, dscale, doffset] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAIN_GRAD, { x: x!, dy: dy!, mean: mean!, variance: variance!, scale: scale!, dmean: dmean!, dvariance: dvariance! }, attrs) as tf.Tensor[];
    return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
  },
};

const KERNELS: readonly KernelConfig[] = [batchNormTrainWasmConfig, batchNormTrainGradWasmConfig, batchNormTrainCpuConfig, batchNormTrainGradCpuConfig];

let registered = false;

/**
 * Registers the batch-norm training kernels (wasm, cpu) and their gradient, once per process (a kernel
 * unregistered afterwards stays so: benchmarks compare against the op chain that way).
 */
export function registerBatchNormTraining(): void {
  if (registered) return;
  registered = true;
  for (const config of KERNELS) if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  if (getGradient(BATCH_NORM_TRAIN) === undefined) registerGradient(batchNormTrainGradConfig);
}

/**
 * Batch norm in training mode over every axis but the last: `y = scale · (x − mean) / sqrt(variance +
 * epsilon) + offset` with the batch's per-channel `mean` and biased `variance`, as one kernel forward
 * and one backward (gradients to x, scale, offset, and through mean and variance when used). Returns
 * undefined on a backend without the kernels (anything but 'wasm' and 'cpu'): use the op chain there.
 * The caller owns the three tensors.
 *
 * @example
 * const r = batchNormTrain(x, gamma, beta, 1e-5); // x [B, H, W, C], gamma and beta [C]
 * if (r) { r.y; r.mean; r.variance; }
 */
export function batchNormTrain(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, varianceEpsilon: number): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined {
  registerBatchNormTraining();
  if (x.dtype !== 'float32' || getKernel(BATCH_NORM_TRAIN, tf.getBackend()) === undefined || getKernel(BATCH_NORM_TRAIN_GRAD, tf.getBackend()) === undefined) return undefined;
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, scale, offset }, { varianceEpsilon }) as tf.Tensor[];
  return { y: y!, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
