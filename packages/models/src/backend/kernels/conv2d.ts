import { backend_util, Conv2D, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, Conv2DInputs, FusedConv2DAttrs, FusedConv2DInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';

/** Activation codes of the C kernel's epilogue. */
export const EPILOGUE_ACTIVATIONS = { linear: 0, relu: 1, relu6: 2 } as const;

/** Floats of a filter of `rows` (kh·kw·inChannels) × `channels` packed into the C kernel's column panels. */
export function packedFilterSize(rows: number, channels: number): number {
  return rows * (Math.ceil(channels / 4) * 4);
}

/**
 * Runs an NHWC float32 conv with our SIMD kernel on a filter already packed into column panels
 * (`pack_filter`, `rotate_filter_swap_channels`: a heap offset); `info` from backend_util.computeConv2DInfo.
 * An optional per-channel `bias` and activation are applied to each output row while it is in cache.
 */
export function conv2dPackedInto(
  backend: BackendWasm,
  x: TensorInfo,
  packedFilter: number,
  info: backend_util.Conv2DInfo,
  bias?: TensorInfo,
  activation: keyof typeof EPILOGUE_ACTIVATIONS = 'linear',
): TensorInfo {
  const out = backend.makeOutput(info.outShape, 'float32');
  trainingKernels(backend).conv2d_forward(
    heapOffset(backend, x),
    packedFilter,
    heapOffset(backend, out),
    ...convGeometry(info),
    bias === undefined ? 0 : heapOffset(backend, bias),
    EPILOGUE_ACTIVATIONS[activation],
  );
  return out;
}

/**
 * Runs an NHWC float32 conv with our SIMD kernel; `info` from backend_util.computeConv2DInfo. The
 * filter is packed into contiguous panels of 8 output channels first (scratch, freed before return).
 */
export function conv2dForwardInto(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  bias?: TensorInfo,
  activation: keyof typeof EPILOGUE_ACTIVATIONS = 'linear',
): TensorInfo {
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const packed = backend.makeOutput([packedFilterSize(rows, info.outChannels)], 'float32');
  try {
    trainingKernels(backend).pack_filter(heapOffset(backend, filter), heapOffset(backend, packed), rows, info.outChannels);
    return conv2dPackedInto(backend, x, heapOffset(backend, packed), info, bias, activation);
  } finally {
    backend.disposeData(packed.dataId);
  }
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
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, format);
  return conv2dForwardInto(backend, x, filter, info);
}

/** Kernel config registering {@link conv2dWasm} for the 'wasm' backend. */
export const conv2dWasmConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2dWasm as unknown as KernelFunc,
};

/**
 * FusedConv2D on wasm (inference, and `tf.fused.conv2d` with a linear activation in training): our
 * conv with a per-channel bias and linear/relu/relu6 applied per output row. Other activations,
 * other bias shapes and NCHW go to the backend's XNNPACK kernel.
 */
export function fusedConv2dWasm(args: { inputs: FusedConv2DInputs; backend: BackendWasm; attrs: FusedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const bias = inputs.bias as TensorInfo | undefined;
  const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const outChannels = filter.shape[3];
  const supported =
    format === 'channelsLast' &&
    x.dtype === 'float32' &&
    filter.dtype === 'float32' &&
    (activation === 'linear' || activation === 'relu' || activation === 'relu6') &&
    (bias === undefined || (bias.dtype === 'float32' && util.sizeFromShape(bias.shape) === outChannels && bias.shape.slice(0, -1).every((d) => d === 1)));
  if (!supported) return runOriginal(FusedConv2D, backend, inputs as never, attrs as unknown as Record<string, never>);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, format);
  return conv2dForwardInto(backend, x, filter, info, bias, activation);
}

/** Kernel config registering {@link fusedConv2dWasm} for the 'wasm' backend. */
export const fusedConv2dWasmConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'wasm',
  kernelFunc: fusedConv2dWasm as unknown as KernelFunc,
};
