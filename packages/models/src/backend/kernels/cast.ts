import { Cast } from '@tensorflow/tfjs-core';
import type { CastAttrs, CastInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runOriginal } from '../internal/original-kernels.js';

/**
 * Cast on wasm: a cast to the same dtype shares the data instead of copying it (the ReLU gradient
 * casts a float32 step to float32 every step); real conversions go to the backend's kernel.
 */
export function castWasm(args: { inputs: CastInputs; backend: BackendWasm; attrs: CastAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype === attrs.dtype && x.dtype !== 'string' && x.dtype !== 'complex64') {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }
  return runOriginal(Cast, backend, { x }, attrs as unknown as Record<string, never>);
}

/** Kernel config registering {@link castWasm} for the 'wasm' backend. */
export const castWasmConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'wasm',
  kernelFunc: castWasm as unknown as KernelFunc,
};
