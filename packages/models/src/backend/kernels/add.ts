import { Add, util } from '@tensorflow/tfjs-core';
import type { BinaryInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';

/** True when `bias` broadcasts along the last axis of `x`: shape [C] or [1, …, 1, C]. */
function isLastAxisBias(x: TensorInfo, bias: TensorInfo): boolean {
  const rank = x.shape.length;
  const c = x.shape[rank - 1];
  if (rank < 2 || bias.shape.length > rank || bias.shape.at(-1) !== c) return false;
  return bias.shape.slice(0, -1).every((d) => d === 1) && util.sizeFromShape(bias.shape) === c;
}

/**
 * Add on wasm: adding a per-channel bias to a channels-last tensor (every conv layer's bias, and
 * the unfused half of `tf.fused.conv2d` during training) is one SIMD pass; the backend's broadcasting
 * Add is several times slower there. Every other Add goes to the backend's kernel.
 */
export function addWasm(args: { inputs: BinaryInputs; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  if (a.dtype === 'float32' && b.dtype === 'float32') {
    const [x, bias] = isLastAxisBias(a, b) ? [a, b] : isLastAxisBias(b, a) ? [b, a] : [undefined, undefined];
    if (x !== undefined && bias !== undefined && util.sizeFromShape(x.shape) > 0) {
      const cols = x.shape[x.shape.length - 1]!;
      const out = backend.makeOutput(x.shape, 'float32');
      trainingKernels(backend).add_bias(heapOffset(backend, x), heapOffset(backend, bias), heapOffset(backend, out), util.sizeFromShape(x.shape) / cols, cols);
      return out;
    }
  }
  return runOriginal(Add, backend, { a, b }, {});
}

/** Kernel config registering {@link addWasm} for the 'wasm' backend. */
export const addWasmConfig: KernelConfig = {
  kernelName: Add,
  backendName: 'wasm',
  kernelFunc: addWasm as unknown as KernelFunc,
};
