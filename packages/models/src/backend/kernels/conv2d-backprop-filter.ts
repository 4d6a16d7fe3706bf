import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';
import { assertFloat32, convGeometry, heapOffset, trainingKernels } from '../internal/training-module.js';

/** Conv2DBackpropFilter on wasm: the filter gradient [kh, kw, inC, outC] of an NHWC conv, in SIMD wasm. */
export function conv2dBackpropFilterWasm(args: { inputs: Conv2DBackpropFilterInputs; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  assertFloat32(Conv2DBackpropFilter, [x, dy]);
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new FpdbError('FPDB_KERNEL', `Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'. Transpose the input to NHWC.`, { details: { value: dataFormat } });
  }
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const out = backend.makeOutput(filterShape, 'float32');
  trainingKernels(backend).conv2d_backprop_filter(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), ...convGeometry(info));
  return out;
}

/** Kernel config registering {@link conv2dBackpropFilterWasm} for the 'wasm' backend. */
export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
