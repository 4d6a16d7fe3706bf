import { BatchMatMul, Transpose } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, BatchMatMulInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runOriginal } from '../internal/original-kernels.js';

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runOriginal(Transpose, backend, { x }, { perm } as unknown as Record<string, never>);
}

/**
 * BatchMatMul on wasm. The backend's kernel takes its XNNPACK path only without transposes; a
 * transposed operand (as in every matMul gradient) is transposed once (XNNPACK transpose) instead.
 */
export function batchMatMulWasm(args: { inputs: BatchMatMulInputs; backend: BackendWasm; attrs: BatchMatMulAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs;
  if (!transposeA && !transposeB) return runOriginal(BatchMatMul, backend, { a, b }, attrs as unknown as Record<string, never>);
  const at = transposeA ? swapLastTwo(backend, a) : a;
  const bt = transposeB ? swapLastTwo(backend, b) : b;
  try {
    return runOriginal(BatchMatMul, backend, { a: at, b: bt }, { transposeA: false, transposeB: false } as unknown as Record<string, never>);
  } finally {
    if (at !== a) backend.disposeData(at.dataId);
    if (bt !== b) backend.disposeData(bt.dataId);
  }
}

/** Kernel config registering {@link batchMatMulWasm} for the 'wasm' backend. */
export const batchMatMulWasmConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMulWasm as unknown as KernelFunc,
};
