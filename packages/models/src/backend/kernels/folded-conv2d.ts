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
  /** The batch norm's parameters: all four, or none (a plain conv: its filter cached, Winograd where it pays). */
  gamma?: TensorInfo;
  beta?: TensorInfo;
  movingMean?: TensorInfo;
  movingVariance?: TensorInfo;
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
  /** The folded filter packed for the direct kernel (heap offset); 0 once the Winograd transform replaced it. */
  packed: number;
  shift: number;
  /** The 36 packed Winograd F(4×4, 3×3) filters U = G g Gᵀ (heap offset), made on first use; 0: none. */
  winograd: number;
}

/**
 * Folded filters by the filter's data. tfjs data is immutable under its id (variables get new data
 * on `assign`: `setWeights`, optimizers, the workers' `sync`), so an entry is valid while the filter's
 * and the batch-norm parameters' ids are the ones it was made from; it is freed with the filter's data.
 */
const caches = new WeakMap<BackendWasm, Map<DataId, FoldedFilter>>();

function freeEntry(backend: BackendWasm, entry: FoldedFilter): void {
  if (entry.packed !== 0) heapFree(backend, entry.packed);
  heapFree(backend, entry.shift);
  if (entry.winograd !== 0) heapFree(backend, entry.winograd);
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

/**
 * The Winograd F(4×4, 3×3) filters of a folded 3×3 filter: U[e] = (G g Gᵀ)[e] (e < 36) per (ci, co), each
 * packed as `pack_filter` packs a [ci][co] matrix (ci·co floats apart), from the packed folded filter's panels.
 */
function winogradFilter(backend: BackendWasm, packed: number, ci: number, co: number): number {
  const n = ci * co;
  const a = G.length;
  const planes = a * a;
  const scratch = heapAlloc(backend, planes * n * 4);
  const out = heapAlloc(backend, planes * n * 4);
  try {
    const src = heapF32(backend, packed, 9 * n);
    const u = heapF32(backend, scratch, planes * n);
    // packed: panel of 8 output channels at n0·K, row k = (ky·3 + kx)·ci + c at k·8 (co % 8 == 0).
    const K = 9 * ci;
    const g = new Float64Array(9);
    const t = new Float64Array(a * 3);
    for (let c = 0; c < ci; c++) {
      for (let o = 0; o < co; o++) {
        const base = (o & ~7) * K + (o & 7);
        for (let tap = 0; tap < 9; tap++) g[tap] = src[base + (tap * ci + c) * 8]!;
        for (let i = 0; i < a; i++) for (let j = 0; j < 3; j++) t[i * 3 + j] = G[i]![0]! * g[j]! + G[i]![1]! * g[3 + j]! + G[i]![2]! * g[6 + j]!;
        const at = c * co + o;
        for (let i = 0; i < a; i++) for (let j = 0; j < a; j++) u[(i * a + j) * n + at] = t[i * 3]! * G[j]![0]! + t[i * 3 + 1]! * G[j]![1]! + t[i * 3 + 2]! * G[j]![2]!;
      }
    }
    const kernels = trainingKernels(backend);
    for (let e = 0; e < planes; e++) kernels.pack_filter(scratch + e * n * 4, out + e * n * 4, ci, co);
  } catch (error) {
    heapFree(backend, out);
    throw error;
  } finally {
    heapFree(backend, scratch);
  }
  return out;
}

/** The filter transform G of Winograd F(4×4, 3×3) (points 0, ±1, ±2), applied in float64, rounded once. */
const G = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/**
 * Whether a conv runs as Winograd F(4×4, 3×3): 3×3, stride 1, dilation 1, 'same' (one pixel each side),
 * ci % 4 == 0 and co % 8 == 0 (SIMD lanes and the GEMM's panels), and channels where it measured faster.
 */
export function usesWinograd(info: backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    top === 1 &&
    bottom === 1 &&
    left === 1 &&
    right === 1 &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 8 === 0 &&
    info.inChannels >= winogradMinChannels &&
    info.outChannels >= winogradMinChannels
  );
}

/**
 * Below this many input or output channels the direct kernel stays. Winograd measured 1.6–2.3× faster than
 * it on ResNet-18's 64…512-channel convs and 1.5–2.8× on DenseNet's 128→32 ones (224², batch 1 and 8);
 * 16 channels were not faster (the GEMMs are too short for the transforms' cost).
 */
let winogradMinChannels = 32;

/** Tests: sets the channel threshold of {@link usesWinograd} (1: every eligible shape); returns the previous one. */
export function setWinogradMinChannels(channels: number): number {
  const previous = winogradMinChannels;
  winogradMinChannels = channels;
  return previous;
}

/** Output tiles per Winograd block: one transformed input plane V[e] (tiles × ci) of ~128 KB, in L2. */
function winogradBlock(ci: number, tiles: number): number {
  const tb = Math.max(16, Math.min(512, Math.floor(32768 / ci))) & ~3;
  return Math.min(tb, (tiles + 3) & ~3);
}

/** Folds and packs `filter` (rows × co, HWIO) with the batch norm into new heap buffers. */
function foldFilter(backend: BackendWasm, inputs: FoldedConv2DInputs, rows: number, co: number, epsilon: number): FoldedFilter {
  const scratch = heapAlloc(backend, rows * co * 4);
  const packed = heapAlloc(backend, packedFilterSize(rows, co) * 4);
  const shift = heapAlloc(backend, co * 4);
  try {
    // Views after the allocations: growing the heap detaches earlier ones.
    const read = (t: TensorInfo, n: number) => heapF32(backend, heapOffset(backend, t), n);
    const { gamma: g, beta: be, movingMean: mu, movingVariance: va } = inputs;
    const bn = g === undefined || be === undefined || mu === undefined || va === undefined ? undefined : { gamma: read(g, co), beta: read(be, co), mean: read(mu, co), variance: read(va, co) };
    const bias = inputs.bias === undefined ? undefined : read(inputs.bias, co);
    const w = read(inputs.filter, rows * co);
    const scaled = heapF32(backend, scratch, rows * co);
    const shiftView = heapF32(backend, shift, co);
    // The same float32 roundings as tf.mul(γ, tf.rsqrt(tf.add(σ², ε))) and β − μ·s (+ bias·s).
    const scale = new Float32Array(co);
    for (let c = 0; c < co; c++) {
      if (bn === undefined) {
        scale[c] = 1;
        shiftView[c] = bias === undefined ? 0 : bias[c]!;
        continue;
      }
      const s = Math.fround(bn.gamma[c]! * Math.fround(1 / Math.fround(Math.sqrt(Math.fround(bn.variance[c]! + epsilon)))));
      scale[c] = s;
      let b = Math.fround(bn.beta[c]! - Math.fround(bn.mean[c]! * s));
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
  return { sources, epsilon, packed, shift, winograd: 0 };
}

/**
 * {@link FOLDED_CONV2D} on wasm: our SIMD conv on the folded filter, packed once per filter and kept
 * until the filter's data is freed or a batch-norm parameter changes (batch 1 packed and scaled every
 * filter on every call: ~20% of a ResNet-18 forward). 3×3 stride-1 'same' convs of 32+ channels run
 * as Winograd F(4×4, 3×3) on the filter's transform, cached with it ({@link usesWinograd}).
 */
export function foldedConv2dWasm(args: { inputs: FoldedConv2DInputs; backend: BackendWasm; attrs: FoldedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  assertFloat32(
    FOLDED_CONV2D,
    [x, filter, inputs.gamma, inputs.beta, inputs.movingMean, inputs.movingVariance, inputs.bias].filter((t): t is TensorInfo => t !== undefined),
  );
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad);
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const cache = cacheOf(backend);
  let entry = cache.get(filter.dataId);
  const sources = [inputs.gamma, inputs.beta, inputs.movingMean, inputs.movingVariance, inputs.bias].map((t) => t?.dataId);
  const winograd = usesWinograd(info);
  // A filter on Winograd keeps only its transform (4× the filter): its packed copy is rebuilt if ever needed.
  if (entry === undefined || entry.epsilon !== attrs.epsilon || entry.sources.some((s, i) => s !== sources[i]) || (entry.packed === 0 && !winograd)) {
    if (entry !== undefined) {
      cache.delete(filter.dataId);
      freeEntry(backend, entry);
    }
    entry = foldFilter(backend, inputs, rows, info.outChannels, attrs.epsilon);
    cache.set(filter.dataId, entry);
  }
  const out = backend.makeOutput(info.outShape, 'float32');
  if (winograd) {
    if (entry.winograd === 0) {
      entry.winograd = winogradFilter(backend, entry.packed, info.inChannels, info.outChannels);
      heapFree(backend, entry.packed);
      entry.packed = 0;
    }
    const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
    const tb = winogradBlock(ci, b * Math.ceil(h / 4) * Math.ceil(w / 4));
    const v = heapAlloc(backend, 36 * tb * ci * 4);
    const m = heapAlloc(backend, 36 * tb * co * 4);
    try {
      trainingKernels(backend).conv2d_winograd_f43(heapOffset(backend, x), entry.winograd, heapOffset(backend, out), b, h, w, ci, co, entry.shift, EPILOGUE_ACTIVATIONS[attrs.activation], v, m, tb);
    } finally {
      heapFree(backend, v);
      heapFree(backend, m);
    }
    return out;
  }
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

/** How many Winograd-transformed filters `backend` holds (tests: they go with their filters). */
export function cachedWinogradFilters(backend: BackendWasm): number {
  let n = 0;
  for (const entry of caches.get(backend)?.values() ?? []) if (entry.winograd !== 0) n++;
  return n;
}

/** How many folded filters `backend` holds (tests: entries go with their filters). */
export function cachedFoldedFilters(backend: BackendWasm): number {
  return caches.get(backend)?.size ?? 0;
}
