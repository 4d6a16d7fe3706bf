import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, DepthwiseConv2dNativeBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, convGeometry, heapOffset, trainingKernels } from '../internal/training-module.js';

/** DepthwiseConv2dNativeBackpropFilter on wasm: filter gradient [kh, kw, C, multiplier] (NHWC), in wasm. */
export function depthwiseConv2dBackpropFilterWasm(args: { inputs: DepthwiseConv2dNativeBackpropFilterInputs; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropFilter, [x, dy]);
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const out = backend.makeOutput(filterShape, 'float32');
  trainingKernels(backend).depthwise_backprop_filter(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), ...convGeometry(info, true));
  return out;
}

/** Kernel config registering {@link depthwiseConv2dBackpropFilterWasm} for the 'wasm' backend. */
export const depthwiseConv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilterWasm as unknown as KernelFunc,
};
