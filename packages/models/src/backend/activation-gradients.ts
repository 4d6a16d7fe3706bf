import * as tf from '@tensorflow/tfjs-core';
import { getGradient, getKernel, registerGradient, registerKernel, Relu, Relu6 } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import { RELU_GRAD, reluGradCpuConfig, reluGradWasmConfig } from './kernels/relu-grad.js';

const KERNELS: readonly KernelConfig[] = [reluGradWasmConfig, reluGradCpuConfig];

/**
 * The gradient config of `kernelName` (Relu: max = Infinity, Relu6: max = 6) through {@link RELU_GRAD}
 * where the active backend has it, else through tfjs' own config (`fallback`, the same math as an op chain).
 */
function activationGradConfig(kernelName: string, max: number, fallback: GradConfig | undefined): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const g = dy as tf.Tensor;
      if (x.dtype === 'float32' && g.dtype === 'float32' && getKernel(RELU_GRAD, tf.getBackend()) !== undefined) {
        return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: g, x }, { max }) as tf.Tensor };
      }
      if (fallback === undefined)
        throw new FpdbError(
          'FPDB_KERNEL',
          `tfjs has no gradient for ${kernelName} and backend '${tf.getBackend()}' has no ${RELU_GRAD} kernel. Call setupBackend() (or registerGradients()) before training.`,
          { details: { value: kernelName } },
        );
      return fallback.gradFunc(dy, saved, attrs);
    },
  };
}

let registered = false;

/**
 * Registers the {@link RELU_GRAD} kernels (wasm, cpu) and makes them the gradients of `Relu` and `Relu6`,
 * replacing tfjs' configs (same values: the mask is exact) once per process. Call it after tfjs' gradients
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
  registerGradient(activationGradConfig(Relu, Infinity, getGradient(Relu)));
  registerGradient(activationGradConfig(Relu6, 6, getGradient(Relu6)));
}
