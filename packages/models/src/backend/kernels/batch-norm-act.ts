import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';
import { assertFloat32, heapAlloc, heapF32, heapFree, heapOffset, trainingKernels } from '../internal/training-module.js';

/**
 * Kernel name of an inference batch norm with its ReLU/ReLU6, over the channel concatenation of its
 * inputs: y = act(concat(x0, x1, …)·s + shift), s = γ/√(σ² + ε), shift = β − μ·s. Inputs `x0` … `x{n−1}`
 * (same leading shape), `gamma`, `beta`, `movingMean`, `movingVariance` ([Σ channels]).
 */
export const BATCH_NORM_ACT = 'FpdbBatchNormAct';

/** Attributes of {@link BATCH_NORM_ACT}. */
export interface BatchNormActAttrs {
  /** How many inputs are concatenated (x0 … x{count−1}). */
  count: number;
  activation: 'linear' | 'relu' | 'relu6';
  epsilon: number;
}

/** Attributes as the engine's runKernel takes them. */
export function batchNormActAttrs(attrs: BatchNormActAttrs): NamedAttrMap {
  return attrs as unknown as NamedAttrMap;
}

const BOUNDS = { linear: [-Infinity, Infinity], relu: [0, Infinity], relu6: [0, 6] } as const;

/**
 * {@link BATCH_NORM_ACT} on wasm: one SIMD pass per input writing its channels of the output in place,
 * so DenseNet's concat → batch norm → ReLU reads and writes its (quadratically growing) features once
 * instead of three times (Concat, FusedBatchNorm, Relu).
 */
export function batchNormActWasm(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: BatchNormActAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const xs = Array.from({ length: attrs.count }, (_, i) => inputs[`x${i}`]!);
  const params = [inputs.gamma!, inputs.beta!, inputs.movingMean!, inputs.movingVariance!];
  assertFloat32(BATCH_NORM_ACT, [...xs, ...params]);
  const lead = xs[0]!.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const widths = xs.map((x) => x.shape.at(-1)!);
  const channels = widths.reduce((a, b) => a + b, 0);
  const mismatch = xs.find((x) => x.shape.length !== lead.length + 1 || x.shape.slice(0, -1).some((d, i) => d !== lead[i]));
  if (mismatch !== undefined || params.some((p) => p.shape.reduce((a, b) => a * b, 1) !== channels)) {
    throw new FpdbError(
      'FPDB_KERNEL',
      `${BATCH_NORM_ACT} needs inputs of one leading shape [${lead.join(', ')}] and parameters of ${channels} channels; got inputs ${xs.map((x) => `[${x.shape.join(', ')}]`).join(', ')} and parameters of ${params.map((p) => p.shape.join('×')).join(', ')}.`,
    );
  }
  const out = backend.makeOutput([...lead, channels], 'float32');
  const coefficients = heapAlloc(backend, channels * 8);
  try {
    const view = (t: TensorInfo) => heapF32(backend, heapOffset(backend, t), channels);
    const [gamma, beta, mean, variance] = params.map(view) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const a = heapF32(backend, coefficients, channels);
    const b = heapF32(backend, coefficients + channels * 4, channels);
    for (let c = 0; c < channels; c++) {
      const s = Math.fround(gamma[c]! * Math.fround(1 / Math.fround(Math.sqrt(Math.fround(variance[c]! + attrs.epsilon)))));
      a[c] = s;
      b[c] = beta[c]! - mean[c]! * s;
    }
    const [lo, hi] = BOUNDS[attrs.activation];
    const kernels = trainingKernels(backend);
    let c0 = 0;
    xs.forEach((x, i) => {
      const width = widths[i]!;
      kernels.scale_shift_act(heapOffset(backend, x), coefficients + c0 * 4, coefficients + (channels + c0) * 4, heapOffset(backend, out) + c0 * 4, rows, width, channels, lo, hi);
      c0 += width;
    });
  } finally {
    heapFree(backend, coefficients);
  }
  return out;
}

/** Kernel config registering {@link batchNormActWasm} for the 'wasm' backend. */
export const batchNormActWasmConfig: KernelConfig = {
  kernelName: BATCH_NORM_ACT,
  backendName: 'wasm',
  kernelFunc: batchNormActWasm as unknown as KernelFunc,
};
