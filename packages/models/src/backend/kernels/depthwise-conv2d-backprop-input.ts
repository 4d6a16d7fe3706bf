import { backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropInputAttrs, DepthwiseConv2dNativeBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, convGeometry, heapOffset, trainingKernels } from '../internal/training-module.js';

/** DepthwiseConv2dNativeBackpropInput on wasm: the input gradient [B, H, W, C] of a depthwise conv, in wasm. */
export function depthwiseConv2dBackpropInputWasm(args: { inputs: DepthwiseConv2dNativeBackpropInputInputs; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropInput, [dy, filter]);
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  const dx = backend.makeOutput(inputShape, 'float32');
  trainingKernels(backend).depthwise_backprop_input(heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dx), ...convGeometry(info, true));
  return dx;
}

/** Kernel config registering {@link depthwiseConv2dBackpropInputWasm} for the 'wasm' backend. */
export const depthwiseConv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInputWasm as unknown as KernelFunc,
};
