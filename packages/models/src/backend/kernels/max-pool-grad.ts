import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, MaxPoolGradInputs, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, heapOffset, trainingKernels } from '../internal/training-module.js';

/**
 * MaxPoolGrad on wasm in SIMD wasm: each window's gradient goes to its first maximum (row-major), as
 * in the cpu backend, vectorized over channels (NHWC).
 */
export function maxPoolGradWasm(args: { inputs: MaxPoolGradInputs; backend: BackendWasm; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const x = inputs.input as TensorInfo;
  assertFloat32(MaxPoolGrad, [dy, x]);
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = backend.makeOutput(x.shape, 'float32');
  trainingKernels(backend).maxpool_grad(
    heapOffset(backend, x),
    heapOffset(backend, dy),
    heapOffset(backend, dx),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.filterHeight,
    info.filterWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  return dx;
}

/** Kernel config registering {@link maxPoolGradWasm} for the 'wasm' backend. */
export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as KernelFunc,
};
