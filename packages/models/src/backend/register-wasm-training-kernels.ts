import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { knownOriginal, rememberOriginal } from './internal/original-kernels.js';
import { addWasmConfig } from './kernels/add.js';
import { batchMatMulWasmConfig } from './kernels/batch-mat-mul.js';
import { castWasmConfig } from './kernels/cast.js';
import { conv2dWasmConfig, fusedConv2dWasmConfig } from './kernels/conv2d.js';
import { batchNormActWasmConfig } from './kernels/batch-norm-act.js';
import { foldedConv2dWasmConfig } from './kernels/folded-conv2d.js';
import { identityWasmConfig } from './kernels/identity.js';
import { conv2dBackpropFilterWasmConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilterWasmConfig } from './kernels/depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputWasmConfig } from './kernels/depthwise-conv2d-backprop-input.js';
import { maxPoolGradWasmConfig } from './kernels/max-pool-grad.js';
import { splitVWasmConfig } from './kernels/split-v.js';
import { sumWasmConfig } from './kernels/sum.js';

/** The wasm kernels that {@link registerWasmTrainingKernels} adds or replaces, in registration order. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
  depthwiseConv2dBackpropFilterWasmConfig,
  depthwiseConv2dBackpropInputWasmConfig,
  maxPoolGradWasmConfig,
  batchMatMulWasmConfig,
  sumWasmConfig,
  conv2dWasmConfig,
  fusedConv2dWasmConfig,
  identityWasmConfig,
  castWasmConfig,
  addWasmConfig,
  splitVWasmConfig,
  foldedConv2dWasmConfig,
  batchNormActWasmConfig,
];

/** Options of {@link registerWasmTrainingKernels}. */
export interface RegisterWasmTrainingKernelsOptions {
  /**
   * 'all' (default): add the missing kernels and replace the slow ones. 'missing': add only the
   * kernels the wasm backend lacks and keep (or restore) its own for the rest, e.g. to compare.
   */
  kernels?: 'all' | 'missing';
}

/**
 * Registers the training kernels for the 'wasm' backend: the ones it lacks (Conv2DBackpropFilter,
 * both depthwise backprops) and faster ones for Conv2DBackpropInput, MaxPoolGrad, transposed
 * BatchMatMul and leading-axes Sum. Idempotent; safe before or after `tf.setBackend('wasm')`.
 * A replaced kernel keeps the backend's `setupFunc`, and stays reachable as the fallback.
 *
 * Call it after importing `@tensorflow/tfjs-backend-wasm` (its kernels must be registered first).
 * {@link setupBackend} calls it for you.
 *
 * @returns the names of the kernels of ours now registered
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmTrainingKernels(options: RegisterWasmTrainingKernelsOptions = {}): string[] {
  const replace = (options.kernels ?? 'all') === 'all';
  const names: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    const name = config.kernelName;
    const current = getKernel(name, 'wasm');
    const isOurs = current?.kernelFunc === config.kernelFunc;
    const original = isOurs ? knownOriginal(name) : current === undefined ? undefined : rememberOriginal(name);
    if (!replace && original !== undefined) {
      if (isOurs) {
        unregisterKernel(name, 'wasm');
        registerKernel(original);
      }
      continue;
    }
    names.push(name);
    if (isOurs) continue;
    if (current !== undefined) unregisterKernel(name, 'wasm');
    const ours: KernelConfig = { ...config };
    if (original?.setupFunc !== undefined) ours.setupFunc = original.setupFunc;
    if (original?.disposeFunc !== undefined) ours.disposeFunc = original.disposeFunc;
    registerKernel(ours);
  }
  return names;
}
