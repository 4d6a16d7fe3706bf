import { backend_util, SplitV, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SplitVAttrs, SplitVInputs, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';

/**
 * SplitV on wasm for float32/int32: each piece is one pass of contiguous row copies (the input as
 * [leading dims, the rest], a piece as a column range). It is Concat's gradient: the backend's own
 * kernel slices every piece through a strided path, 1.1 s of a DenseNet-121 step at 224², batch 8
 * (its forward Concat took 0.16 s). Other dtypes go to the backend's kernel.
 */
export function splitVWasm(args: { inputs: SplitVInputs; backend: BackendWasm; attrs: SplitVAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return runOriginal(SplitV, backend, { x }, attrs as unknown as Record<string, never>) as unknown as TensorInfo[];
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
  const rows = util.sizeFromShape(x.shape.slice(0, axis));
  const inner = util.sizeFromShape(x.shape.slice(axis + 1));
  const cols = x.shape[axis]! * inner;
  const kernels = trainingKernels(backend);
  let begin = 0;
  return sizes.map((size) => {
    const shape = [...x.shape];
    shape[axis] = size;
    const out = backend.makeOutput(shape, x.dtype);
    if (size > 0 && rows > 0 && inner > 0) kernels.copy_columns(heapOffset(backend, x), heapOffset(backend, out), rows, cols, begin * inner, size * inner);
    begin += size;
    return out;
  });
}

/** Kernel config registering {@link splitVWasm} for the 'wasm' backend. */
export const splitVWasmConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: splitVWasm as unknown as KernelFunc,
};
