import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';
import { conv2dPackedInto, packedFilterSize } from './conv2d.js';

/**
 * Conv2DBackpropInput on wasm. Stride 1 (NHWC, pads within the kernel extent: every 'same'/'valid'
 * case) runs as our SIMD Conv2D of dy with the filter rotated 180° and its channels swapped. Other
 * strides (and pads past the kernel) split dx into its sh×sw output phases, each a stride-1 conv of dy
 * with that phase's taps through the same register-tiled kernel (sub-pixel convolution). NCHW goes to
 * the wasm backend's own kernel.
 */
export function conv2dBackpropInputWasm(args: { inputs: Conv2DBackpropInputInputs; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
  const { filterHeight: kh, filterWidth: kw, inChannels, outChannels } = info;
  const { top, bottom, left, right } = info.padInfo;
  const nhwcFloat = format === 'channelsLast' && dy.dtype === 'float32' && filter.dtype === 'float32';
  if (!nhwcFloat) return runOriginal(Conv2DBackpropInput, backend, { dy, filter }, attrs as unknown as Record<string, never>);
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1 && Math.max(top, bottom) <= kh - 1 && Math.max(left, right) <= kw - 1 && Math.min(top, bottom, left, right) >= 0;
  if (!stride1 && Math.min(top, left) < 0) return runOriginal(Conv2DBackpropInput, backend, { dy, filter }, attrs as unknown as Record<string, never>);
  assertFloat32(Conv2DBackpropInput, [dy, filter]);
  const kernels = trainingKernels(backend);
  if (!stride1) {
    // Sub-pixel split: one stride-1 conv of dy per output phase (same register tiles as the forward).
    const phases = backend.makeOutput([packedFilterSize(kh * kw * outChannels, inChannels)], 'float32');
    kernels.phase_split_filter(heapOffset(backend, filter), heapOffset(backend, phases), kh, kw, inChannels, outChannels, info.strideHeight, info.strideWidth);
    try {
      const dx = backend.makeOutput(info.inShape, 'float32');
      kernels.conv2d_backprop_input_phases(
        heapOffset(backend, dy),
        heapOffset(backend, phases),
        heapOffset(backend, dx),
        info.batchSize,
        info.inHeight,
        info.inWidth,
        inChannels,
        info.outHeight,
        info.outWidth,
        outChannels,
        kh,
        kw,
        info.strideHeight,
        info.strideWidth,
        top,
        left,
      );
      return dx;
    } finally {
      backend.disposeData(phases.dataId);
    }
  }
  // The rotated filter [kh, kw, outChannels, inChannels], packed into the conv kernel's panels.
  const rotated = backend.makeOutput([packedFilterSize(kh * kw * outChannels, inChannels)], 'float32');
  kernels.rotate_filter_swap_channels(heapOffset(backend, filter), heapOffset(backend, rotated), kh, kw, inChannels, outChannels);
  try {
    const pads: backend_util.ExplicitPadding = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    const convInfo = backend_util.computeConv2DInfo(dy.shape as [number, number, number, number], [kh, kw, outChannels, inChannels], 1, 1, pads);
    return conv2dPackedInto(backend, dy, heapOffset(backend, rotated), convInfo);
  } finally {
    backend.disposeData(rotated.dataId);
  }
}

/** Kernel config registering {@link conv2dBackpropInputWasm} for the 'wasm' backend. */
export const conv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as unknown as KernelFunc,
};
