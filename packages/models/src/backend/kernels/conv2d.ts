import { backend_util, Conv2D } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, Conv2DInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';

/** Runs an NHWC float32 conv with our SIMD kernel; `info` from backend_util.computeConv2DInfo. */
export function conv2dForwardInto(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const out = backend.makeOutput(info.outShape, 'float32');
  trainingKernels(backend).conv2d_forward(
    heapOffset(backend, x),
    heapOffset(backend, filter),
    heapOffset(backend, out),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  return out;
}

/**
 * Conv2D on wasm: NHWC float32 convs run in our SIMD kernel (4 pixels × 8 channels register tiles),
 * which outruns the backend's XNNPACK path on the small channel counts of training-sized CNNs.
 * Other layouts and dtypes go to the backend's kernel.
 */
export function conv2dWasm(args: { inputs: Conv2DInputs; backend: BackendWasm; attrs: Conv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast' || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runOriginal(Conv2D, backend, { x, filter }, attrs as unknown as Record<string, never>);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  return conv2dForwardInto(backend, x, filter, info);
}

/** Kernel config registering {@link conv2dWasm} for the 'wasm' backend. */
export const conv2dWasmConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2dWasm as unknown as KernelFunc,
};
