import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerGradient, registerKernel, Relu, Relu6 } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';
import { RELU_GRAD, reluGradCpuConfig, reluGradWasmConfig } from './kernels/relu-grad.js';

const KERNELS: readonly KernelConfig[] = [reluGradWasmConfig, reluGradCpuConfig];

/**
 * The gradient config of `kernelName` (Relu: max = Infinity, Relu6: max = 6) from the activation's
 * OUTPUT y, through {@link RELU_GRAD} where the active backend has it, else through an op chain. Saving
 * y rather than the input lets the input (a batch norm's or a residual add's output, as large as the
 * activation) be freed after the forward pass: one full-size tensor less per ReLU kept for backprop,
 * which is what lets MobileNetV2 224² train 16 images per worker. The mask is `0 < y` for ReLU (the
 * same as `0 < x`) and `0 < y < 6` for ReLU6: from y, an input of 6 and one above 6 look alike, so the
 * gradient at exactly 6 is 0, PyTorch's choice (hardtanh_backward), where tfjs' own config gives dy.
 */
function activationGradConfig(kernelName: string, max: number): GradConfig {
  // The largest float32 below 6: `y <= maskMax` is `y < 6` in the kernel's float32 comparison.
  const maskMax = Number.isFinite(max) ? max - 2 ** -21 : max;
  return {
    kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const y = saved[0]!;
      const g = dy as tf.Tensor;
      if (y.dtype === 'float32' && g.dtype === 'float32' && getKernel(RELU_GRAD, tf.getBackend()) !== undefined) {
        return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: g, x: y }, { max: maskMax }) as tf.Tensor };
      }
      return { x: () => tf.mul(g, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.lessEqual(y, maskMax)), g.dtype)) };
    },
  };
}

let registered = false;

/**
 * Registers the {@link RELU_GRAD} kernels (wasm, cpu) and makes them the gradients of `Relu` and `Relu6`,
 * replacing tfjs' configs (same values, except ReLU6's at exactly 6: see activationGradConfig) once per process. Call it after tfjs' gradients
 * are registered ({@link registerGradients} does); on other backends tfjs' own gradient runs.
 *
 * @example
 * await registerGradients(); // includes this
 * const dx = tf.grad((x) => tf.sum(tf.relu6(x)))(tf.tensor1d([-1, 3, 7])); // [0, 1, 0]
 */
export function registerActivationGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of KERNELS) if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  registerGradient(activationGradConfig(Relu, Infinity));
  registerGradient(activationGradConfig(Relu6, 6));
}
