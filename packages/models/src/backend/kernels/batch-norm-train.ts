import { util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, heapAlloc, heapF32, heapF64, heapFree, heapOffset, trainingKernels } from '../internal/training-module.js';

/**
 * Batch norm in training mode as one kernel: `x` [..., C] (channels last), `scale` and `offset` [C]
 * → `[y, mean, variance]` with the per-channel batch mean and biased variance over every axis but the
 * last, and `y = scale · (x − mean) / sqrt(variance + varianceEpsilon) + offset`. What `tf.moments`
 * followed by `tf.batchNorm` computes, in two passes over x instead of a dozen elementwise ops.
 */
export const BATCH_NORM_TRAIN = 'FpdbBatchNormTrain';
/**
 * Its gradient: inputs `x`, `dy` (of y), `mean`, `variance` (the forward's outputs), `scale`, `dmean`,
 * `dvariance` (gradients reaching the statistics, zeros when only y is used) → `[dx, dscale, doffset]`.
 */
export const BATCH_NORM_TRAIN_GRAD = 'FpdbBatchNormTrainGrad';

export interface BatchNormTrainAttrs {
  varianceEpsilon: number;
}

/** Rows and channels of a channels-last tensor seen as a [rows, C] matrix. */
function rowsCols(x: TensorInfo): { rows: number; cols: number } {
  const cols = x.shape.at(-1) ?? 1;
  return { rows: cols === 0 ? 0 : util.sizeFromShape(x.shape) / cols, cols };
}

/**
 * Per-channel statistics and normalisation coefficients from the shifted sums s1 = Σ(x − shift),
 * s2 = Σ(x − shift)² (double precision): mean, biased variance, and y = a·(x − mean) + b.
 */
function forwardCoefficients(s1: ArrayLike<number>, s2: ArrayLike<number>, shift: ArrayLike<number>, scale: ArrayLike<number>, offset: ArrayLike<number>, rows: number, eps: number) {
  const cols = scale.length;
  const mean = new Float32Array(cols);
  const variance = new Float32Array(cols);
  const a = new Float32Array(cols);
  for (let c = 0; c < cols; c += 1) {
    const d = rows > 0 ? s1[c]! / rows : 0;
    mean[c] = shift[c]! + d;
    variance[c] = rows > 0 ? Math.max(0, s2[c]! / rows - d * d) : 0;
    a[c] = scale[c]! / Math.sqrt(variance[c]! + eps);
  }
  return { mean, variance, a, b: Float32Array.from(offset) };
}

/**
 * Gradient coefficients from s1 = Σ dy and s2 = Σ dy·(x − mean): dscale, doffset, and
 * dx = a·dy + b·(x − mean) + k, which includes the paths through the batch mean and variance.
 */
function gradCoefficients(
  s1: ArrayLike<number>,
  s2: ArrayLike<number>,
  variance: ArrayLike<number>,
  scale: ArrayLike<number>,
  dmean: ArrayLike<number>,
  dvariance: ArrayLike<number>,
  rows: number,
  eps: number,
) {
  const cols = scale.length;
  const dscale = new Float32Array(cols);
  const doffset = new Float32Array(cols);
  const a = new Float32Array(cols);
  const b = new Float32Array(cols);
  const k = new Float32Array(cols);
  const n = Math.max(rows, 1);
  for (let c = 0; c < cols; c += 1) {
    const inv = 1 / Math.sqrt(variance[c]! + eps);
    const g = scale[c]!;
    dscale[c] = s2[c]! * inv;
    doffset[c] = s1[c]!;
    a[c] = g * inv;
    b[c] = (-g * inv * inv * inv * s2[c]!) / n + (2 * dvariance[c]!) / n;
    k[c] = (-a[c]! * s1[c]!) / n + dmean[c]! / n;
  }
  return { dscale, doffset, a, b, k };
}

// ———————————————————————————————— wasm: two SIMD passes per direction ————————————————————————————————

function batchNormTrainWasm(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
  assertFloat32(BATCH_NORM_TRAIN, [x, scale, offset]);
  const eps = (attrs as unknown as BatchNormTrainAttrs).varianceEpsilon;
  const { rows, cols } = rowsCols(x);
  const y = backend.makeOutput(x.shape, 'float32');
  const meanOut = backend.makeOutput([cols], 'float32');
  const varianceOut = backend.makeOutput([cols], 'float32');
  if (rows === 0 || cols === 0) return [y, meanOut, varianceOut];
  // Doubles first (8-byte aligned), then floats: s1, s2 | float scratch (2C), mean-shift copy, a, b.
  const scratch = heapAlloc(backend, cols * (16 + 4 * 5));
  try {
    const kernels = trainingKernels(backend);
    const s1 = scratch;
    const s2 = s1 + cols * 8;
    const f = s2 + cols * 8;
    const shift = heapOffset(backend, x); // the first row: keeps the sums of squares well conditioned
    kernels.bn_moments(heapOffset(backend, x), shift, s1, s2, f, rows, cols);
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const { mean, variance, a, b } = forwardCoefficients(
      heapF64(backend, s1, cols),
      heapF64(backend, s2, cols),
      xs.subarray(0, cols),
      backend.typedArrayFromHeap(scale),
      backend.typedArrayFromHeap(offset),
      rows,
      eps,
    );
    (backend.typedArrayFromHeap(meanOut) as Float32Array).set(mean);
    (backend.typedArrayFromHeap(varianceOut) as Float32Array).set(variance);
    const aPtr = f + cols * 8;
    const bPtr = aPtr + cols * 4;
    heapF32(backend, aPtr, cols).set(a);
    heapF32(backend, bPtr, cols).set(b);
    kernels.bn_normalize(heapOffset(backend, x), heapOffset(backend, meanOut), aPtr, bPtr, heapOffset(backend, y), rows, cols);
  } finally {
    heapFree(backend, scratch);
  }
  return [y, meanOut, varianceOut];
}

function batchNormTrainGradWasm(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, dy, mean, variance, scale, dmean, dvariance } = inputs as Record<string, TensorInfo>;
  assertFloat32(BATCH_NORM_TRAIN_GRAD, [x!, dy!, mean!, variance!, scale!, dmean!, dvariance!]);
  const eps = (attrs as unknown as BatchNormTrainAttrs).varianceEpsilon;
  const { rows, cols } = rowsCols(x!);
  const dx = backend.makeOutput(x!.shape, 'float32');
  const dscaleOut = backend.makeOutput([cols], 'float32');
  const doffsetOut = backend.makeOutput([cols], 'float32');
  if (cols === 0) return [dx, dscaleOut, doffsetOut];
  const scratch = heapAlloc(backend, cols * (16 + 4 * 5));
  try {
    const kernels = trainingKernels(backend);
    const s1 = scratch;
    const s2 = s1 + cols * 8;
    const f = s2 + cols * 8;
    kernels.bn_grad_sums(heapOffset(backend, x!), heapOffset(backend, dy!), heapOffset(backend, mean!), s1, s2, f, rows, cols);
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const c = gradCoefficients(heapF64(backend, s1, cols), heapF64(backend, s2, cols), view(variance!), view(scale!), view(dmean!), view(dvariance!), rows, eps);
    view(dscaleOut).set(c.dscale);
    view(doffsetOut).set(c.doffset);
    const aPtr = f;
    const bPtr = aPtr + cols * 4;
    const kPtr = bPtr + cols * 4;
    heapF32(backend, aPtr, cols).set(c.a);
    heapF32(backend, bPtr, cols).set(c.b);
    heapF32(backend, kPtr, cols).set(c.k);
    if (rows > 0) kernels.bn_grad_input(heapOffset(backend, dy!), heapOffset(backend, x!), heapOffset(backend, mean!), aPtr, bPtr, kPtr, heapOffset(backend, dx), rows, cols);
  } finally {
    heapFree(backend, scratch);
  }
  return [dx, dscaleOut, doffsetOut];
}

// ———————————————————————————————— cpu: the same math in plain loops ————————————————————————————————

/** The parts of the tfjs cpu backend these kernels use. */
interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

function cpuValues(backend: CpuBackend, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

function batchNormTrainCpu(args: { inputs: Record<string, TensorInfo>; backend: CpuBackend; attrs: NamedAttrMap }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
  assertFloat32(BATCH_NORM_TRAIN, [x, scale, offset]);
  const eps = (attrs as unknown as BatchNormTrainAttrs).varianceEpsilon;
  const { rows, cols } = rowsCols(x);
  const xs = cpuValues(backend, x);
  const shift = xs.slice(0, cols);
  const s1 = new Float64Array(cols);
  const s2 = new Float64Array(cols);
  for (let i = 0; i < rows * cols; i += 1) {
    const c = i % cols;
    const d = xs[i]! - shift[c]!;
    s1[c] = s1[c]! + d;
    s2[c] = s2[c]! + d * d;
  }
  const { mean, variance, a, b } = forwardCoefficients(s1, s2, shift.length === cols ? shift : new Float32Array(cols), cpuValues(backend, scale), cpuValues(backend, offset), rows, eps);
  const y = new Float32Array(rows * cols);
  for (let i = 0; i < rows * cols; i += 1) {
    const c = i % cols;
    y[i] = a[c]! * (xs[i]! - mean[c]!) + b[c]!;
  }
  return [backend.makeTensorInfo(x.shape, 'float32', y), backend.makeTensorInfo([cols], 'float32', mean), backend.makeTensorInfo([cols], 'float32', variance)];
}

function batchNormTrainGradCpu(args: { inputs: Record<string, TensorInfo>; backend: CpuBackend; attrs: NamedAttrMap }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, dy, mean, variance, scale, dmean, dvariance } = inputs as Record<string, TensorInfo>;
  assertFloat32(BATCH_NORM_TRAIN_GRAD, [x!, dy!, mean!, variance!, scale!, dmean!, dvariance!]);
  const eps = (attrs as unknown as BatchNormTrainAttrs).varianceEpsilon;
  const { rows, cols } = rowsCols(x!);
  const xs = cpuValues(backend, x!);
  const gs = cpuValues(backend, dy!);
  const m = cpuValues(backend, mean!);
  const s1 = new Float64Array(cols);
  const s2 = new Float64Array(cols);
  for (let i = 0; i < rows * cols; i += 1) {
    const c = i % cols;
    s1[c] = s1[c]! + gs[i]!;
    s2[c] = s2[c]! + gs[i]! * (xs[i]! - m[c]!);
  }
  const k = gradCoefficients(s1, s2, cpuValues(backend, variance!), cpuValues(backend, scale!), cpuValues(backend, dmean!), cpuValues(backend, dvariance!), rows, eps);
  const dx = new Float32Array(rows * cols);
  for (let i = 0; i < rows * cols; i += 1) {
    const c = i % cols;
    dx[i] = k.a[c]! * gs[i]! + k.b[c]! * (xs[i]! - m[c]!) + k.k[c]!;
  }
  return [backend.makeTensorInfo(x!.shape, 'float32', dx), backend.makeTensorInfo([cols], 'float32', k.dscale), backend.makeTensorInfo([cols], 'float32', k.doffset)];
}

/** Kernel configs of the batch-norm training pair on 'wasm' (SIMD) and 'cpu' (plain loops). */
export const batchNormTrainWasmConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrainWasm as unknown as KernelFunc };
export const batchNormTrainGradWasmConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainGradWasm as unknown as KernelFunc };
export const batchNormTrainCpuConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN, backendName: 'cpu', kernelFunc: batchNormTrainCpu as unknown as KernelFunc };
export const batchNormTrainGradCpuConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN_GRAD, backendName: 'cpu', kernelFunc: batchNormTrainGradCpu as unknown as KernelFunc };
