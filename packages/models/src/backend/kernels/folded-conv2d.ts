import { backend_util } from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, convGeometry, heapAlloc, heapF32, heapFree, heapOffset, trainingKernels } from '../internal/training-module.js';
import { EPILOGUE_ACTIVATIONS, packedFilterSize } from './conv2d.js';

/**
 * Kernel name of an inference conv with the batch norm after it folded in (and an optional ReLU/ReLU6):
 * y = act(conv(x, w·s) + shift), s = γ/√(σ² + ε), shift = β − μ·s (+ bias·s).
 */
export const FOLDED_CONV2D = 'FpdbFoldedConv2D';

/** Inputs of {@link FOLDED_CONV2D}: NHWC `x`, HWIO `filter`, the batch norm's four [Co] vectors, an optional conv `bias`. */
export interface FoldedConv2DInputs {
  x: TensorInfo;
  filter: TensorInfo;
  gamma: TensorInfo;
  beta: TensorInfo;
  movingMean: TensorInfo;
  movingVariance: TensorInfo;
  bias?: TensorInfo;
}

/** Attributes of {@link FOLDED_CONV2D}. */
export interface FoldedConv2DAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  activation: keyof typeof EPILOGUE_ACTIVATIONS;
  epsilon: number;
}

/** A folded, packed filter and its shift on the heap, for one filter and the parameters it was folded with. */
interface FoldedFilter {
  sources: (DataId | undefined)[];
  epsilon: number;
  packed: number;
  shift: number;
}

/**
 * Folded filters by the filter's data. tfjs data is immutable under its id (variables get new data
 * on `assign`: `setWeights`, optimizers, the workers' `sync`), so an entry is valid while the filter's
 * and the batch-norm parameters' ids are the ones it was made from; it is freed with the filter's data.
 */
const caches = new WeakMap<BackendWasm, Map<DataId, FoldedFilter>>();

function freeEntry(backend: BackendWasm, entry: FoldedFilter): void {
  heapFree(backend, entry.packed);
  heapFree(backend, entry.shift);
}

/** The backend's cache, created with a hook that frees an entry when its filter's data is freed. */
function cacheOf(backend: BackendWasm): Map<DataId, FoldedFilter> {
  let cache = caches.get(backend);
  if (cache !== undefined) return cache;
  const entries = new Map<DataId, FoldedFilter>();
  cache = entries;
  caches.set(backend, entries);
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const freed = dispose(dataId, force);
    const entry = entries.get(dataId);
    if (entry !== undefined && !backend.dataIdMap.has(dataId)) {
      entries.delete(dataId);
      freeEntry(backend, entry);
    }
    return freed;
  };
  return cache;
}

/** Folds and packs `filter` (rows × co, HWIO) with the batch norm into new heap buffers. */
function foldFilter(backend: BackendWasm, inputs: FoldedConv2DInputs, rows: number, co: number, epsilon: number): FoldedFilter {
  const scratch = heapAlloc(backend, rows * co * 4);
  const packed = heapAlloc(backend, packedFilterSize(rows, co) * 4);
  const shift = heapAlloc(backend, co * 4);
  try {
    // Views after the allocations: growing the heap detaches earlier ones.
    const read = (t: TensorInfo, n: number) => heapF32(backend, heapOffset(backend, t), n);
    const gamma = read(inputs.gamma, co);
    const beta = read(inputs.beta, co);
    const mean = read(inputs.movingMean, co);
    const variance = read(inputs.movingVariance, co);
    const bias = inputs.bias === undefined ? undefined : read(inputs.bias, co);
    const w = read(inputs.filter, rows * co);
    const scaled = heapF32(backend, scratch, rows * co);
    const shiftView = heapF32(backend, shift, co);
    // The same float32 roundings as tf.mul(γ, tf.rsqrt(tf.add(σ², ε))) and β − μ·s (+ bias·s).
    const scale = new Float32Array(co);
    for (let c = 0; c < co; c++) {
      const s = Math.fround(gamma[c]! * Math.fround(1 / Math.fround(Math.sqrt(Math.fround(variance[c]! + epsilon)))));
      scale[c] = s;
      let b = Math.fround(beta[c]! - Math.fround(mean[c]! * s));
      if (bias !== undefined) b = Math.fround(b + Math.fround(bias[c]! * s));
      shiftView[c] = b;
    }
    for (let k = 0; k < rows; k++) {
      const o = k * co;
      for (let c = 0; c < co; c++) scaled[o + c] = w[o + c]! * scale[c]!;
    }
    trainingKernels(backend).pack_filter(scratch, packed, rows, co);
  } catch (error) {
    heapFree(backend, packed);
    heapFree(backend, shift);
    throw error;
  } finally {
    heapFree(backend, scratch);
  }
  const sources = [inputs.gamma, inputs.beta, inputs.movingMean, inputs.movingVariance, inputs.bias].map((t) => t?.dataId);
  return { sources, epsilon, packed, shift };
}

/**
 * {@link FOLDED_CONV2D} on wasm: our SIMD conv on the folded filter, packed once per filter and kept
 * until the filter's data is freed or a batch-norm parameter changes (batch 1 packed and scaled every
 * filter on every call: ~20% of a ResNet-18 forward).
 */
export function foldedConv2dWasm(args: { inputs: FoldedConv2DInputs; backend: BackendWasm; attrs: FoldedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  assertFloat32(FOLDED_CONV2D, [x, filter, inputs.gamma, inputs.beta, inputs.movingMean, inputs.movingVariance, ...(inputs.bias ? [inputs.bias] : [])]);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad);
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const cache = cacheOf(backend);
  let entry = cache.get(filter.dataId);
  const sources = [inputs.gamma, inputs.beta, inputs.movingMean, inputs.movingVariance, inputs.bias].map((t) => t?.dataId);
  if (entry === undefined || entry.epsilon !== attrs.epsilon || entry.sources.some((s, i) => s !== sources[i])) {
    if (entry !== undefined) {
      cache.delete(filter.dataId);
      freeEntry(backend, entry);
    }
    entry = foldFilter(backend, inputs, rows, info.outChannels, attrs.epsilon);
    cache.set(filter.dataId, entry);
  }
  const out = backend.makeOutput(info.outShape, 'float32');
  const { top, bottom, left, right } = info.padInfo;
  if (info.batchSize >= 4 || top + bottom + left + right === 0) {
    trainingKernels(backend).conv2d_forward(heapOffset(backend, x), entry.packed, heapOffset(backend, out), ...convGeometry(info), entry.shift, EPILOGUE_ACTIVATIONS[attrs.activation]);
    return out;
  }
  // Under 4 images the border pixels run one at a time (4 images share a tile otherwise): on a zero-padded
  // copy of the input every pixel is interior, in 4-pixel tiles (ResNet's last stage: 3 of 7 columns).
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const hp = h + top + bottom;
  const wp = w + left + right;
  const padded = heapAlloc(backend, b * hp * wp * c * 4);
  try {
    const src = heapF32(backend, heapOffset(backend, x), b * h * w * c);
    const dst = heapF32(backend, padded, b * hp * wp * c);
    dst.fill(0);
    for (let i = 0; i < b; i++) for (let y = 0; y < h; y++) dst.set(src.subarray((i * h + y) * w * c, (i * h + y + 1) * w * c), ((i * hp + y + top) * wp + left) * c);
    const geometry = convGeometry(info);
    geometry[1] = hp;
    geometry[2] = wp;
    geometry[13] = 0;
    geometry[14] = 0;
    trainingKernels(backend).conv2d_forward(padded, entry.packed, heapOffset(backend, out), ...geometry, entry.shift, EPILOGUE_ACTIVATIONS[attrs.activation]);
  } finally {
    heapFree(backend, padded);
  }
  return out;
}

/** Kernel config registering {@link foldedConv2dWasm} for the 'wasm' backend. */
export const foldedConv2dWasmConfig: KernelConfig = {
  kernelName: FOLDED_CONV2D,
  backendName: 'wasm',
  kernelFunc: foldedConv2dWasm as unknown as KernelFunc,
};

/** Attributes as the engine's runKernel takes them. */
export function foldedConv2dAttrs(attrs: FoldedConv2DAttrs): NamedAttrMap {
  return attrs as unknown as NamedAttrMap;
}

/** How many folded filters `backend` holds (tests: entries go with their filters). */
export function cachedFoldedFilters(backend: BackendWasm): number {
  return caches.get(backend)?.size ?? 0;
}
