import { Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SumAttrs, SumInputs, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAlloc, heapFree, heapOffset, trainingKernels } from '../internal/training-module.js';
import { runOriginal } from '../internal/original-kernels.js';

/**
 * Sum on wasm. Summing every axis but the last (the bias gradient of a channels-last layer) runs as
 * one streaming pass in SIMD wasm; the backend's kernel would first transpose the whole tensor.
 * Every other reduction goes to the backend's kernel.
 */
export function sumWasm(args: { inputs: SumInputs; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((axis, i) => axis === i);
  if (!leading || x.dtype !== 'float32') return runOriginal(Sum, backend, { x }, attrs as unknown as Record<string, never>);
  const cols = x.shape[rank - 1]!;
  const rows = util.sizeFromShape(x.shape) / Math.max(cols, 1);
  const shape = attrs.keepDims ? [...Array(rank - 1).fill(1), cols] : [cols];
  const out = backend.makeOutput(shape, 'float32');
  const scratch = heapAlloc(backend, Math.max(cols, 1) * 4);
  try {
    trainingKernels(backend).sum_rows(heapOffset(backend, x), heapOffset(backend, out), scratch, rows, cols);
  } finally {
    heapFree(backend, scratch);
  }
  return out;
}

/** Kernel config registering {@link sumWasm} for the 'wasm' backend. */
export const sumWasmConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sumWasm as unknown as KernelFunc,
};
