import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';
import { compileWasm, instantiateWasm } from '@fpdb/internal/wasm';
import { TRAINING_KERNELS_RELAXED_WASM_BASE64, TRAINING_KERNELS_WASM_BASE64 } from '../wasm/training-kernels-wasm.js';
import { enableRelaxedSimd } from './relaxed-simd.js';

/** The exports of training-kernels.c; every pointer is a byte offset into the backend's heap. */
export interface TrainingKernelExports {
  maxpool_grad(x: number, dy: number, dx: number, ...dims: number[]): void;
  conv2d_backprop_filter(x: number, dy: number, dw: number, ...dims: number[]): void;
  rotate_filter_swap_channels(w: number, out: number, kh: number, kw: number, ci: number, co: number): void;
  depthwise_backprop_filter(x: number, dy: number, dw: number, ...dims: number[]): void;
  depthwise_backprop_input(dy: number, w: number, dx: number, ...dims: number[]): void;
  sum_rows(x: number, out: number, scratch: number, rows: number, cols: number): void;
  add_bias(x: number, bias: number, out: number, rows: number, cols: number): void;
  pack_filter(w: number, out: number, rows: number, channels: number): void;
  conv2d_forward(x: number, w: number, y: number, ...dims: number[]): void;
  phase_split_filter(w: number, out: number, kh: number, kw: number, ci: number, co: number, sh: number, sw: number): void;
  conv2d_backprop_input_phases(dy: number, wp: number, dx: number, ...dims: number[]): void;
  bn_moments(x: number, shift: number, s1: number, s2: number, scratch: number, rows: number, cols: number): void;
  bn_grad_sums(x: number, dy: number, mean: number, s1: number, s2: number, scratch: number, rows: number, cols: number): void;
  bn_normalize(x: number, mean: number, a: number, b: number, y: number, rows: number, cols: number): void;
  bn_grad_input(dy: number, x: number, mean: number, a: number, b: number, k: number, dx: number, rows: number, cols: number): void;
  relu_grad(dy: number, x: number, dx: number, n: number, hi: number): void;
  scale_shift_act(x: number, a: number, b: number, y: number, rows: number, cols: number, yStride: number, lo: number, hi: number): void;
  copy_columns(x: number, out: number, rows: number, cols: number, c0: number, n: number): void;
  conv2d_winograd_f43(x: number, u: number, y: number, b: number, h: number, w: number, ci: number, co: number, shift: number, act: number, v: number, m: number, tb: number): void;
}

let compiled: { module: WebAssembly.Module; relaxedSimd: boolean } | undefined;
const instances = new WeakMap<object, TrainingKernelExports>();

/** The wasm backend's `WebAssembly.Memory`; emscripten keeps the instance exports on `Module.asm`. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory {
  const asm = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm;
  const memory = asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new FpdbError(
      'FPDB_BACKEND',
      'The tfjs wasm backend does not expose its WebAssembly.Memory (Module.asm.memory), so the training kernels cannot share it. Use @tensorflow/tfjs-backend-wasm 4.22.0.',
    );
  }
  return memory;
}

/**
 * Compiles the kernels once per thread: the relaxed-SIMD build (fused multiply-add) when the engine
 * accepts it (Node >= 22; Node 20 once {@link enableRelaxedSimd} has set V8's flag), else SIMD128.
 * @throws FpdbError FPDB_BACKEND when the engine has no WebAssembly SIMD.
 */
export function compileTrainingKernels(): { module: WebAssembly.Module; relaxedSimd: boolean } {
  if (compiled === undefined) {
    enableRelaxedSimd();
    const wasm = compileWasm([TRAINING_KERNELS_RELAXED_WASM_BASE64, TRAINING_KERNELS_WASM_BASE64]);
    if (wasm === undefined) {
      throw new FpdbError('FPDB_BACKEND', `The training kernels need WebAssembly SIMD, which this engine does not compile. Use Node >= 20.19, or the cpu backend ({ backend: 'cpu' }).`);
    }
    compiled = { module: wasm.module, relaxedSimd: wasm.variant === 0 };
  }
  return compiled;
}

/** The training kernels instantiated on `backend`'s own memory (one instance per backend, cached). */
export function trainingKernels(backend: BackendWasm): TrainingKernelExports {
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  const exports = instantiateWasm<TrainingKernelExports>(compileTrainingKernels().module, backendMemory(backend));
  instances.set(backend, exports);
  return exports;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** Throws FPDB_KERNEL unless every tensor is float32 (the kernels read and write f32 only). */
export function assertFloat32(kernel: string, infos: readonly TensorInfo[]): void {
  for (const info of infos) {
    if (info.dtype !== 'float32') {
      throw new FpdbError('FPDB_KERNEL', `${kernel} on wasm takes float32 tensors, got ${info.dtype} of shape [${info.shape.join(', ')}]. Cast the input with tf.cast(x, 'float32').`, {
        details: { value: info.dtype },
      });
    }
  }
}

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** Allocates `bytes` of scratch on the wasm heap; release it with {@link heapFree}. */
export function heapAlloc(backend: BackendWasm, bytes: number): number {
  return (backend.wasm as unknown as EmscriptenHeap)._malloc(bytes) >>> 0;
}

/** A Float64Array view of `length` doubles at byte offset `pointer` of the backend's heap (current buffer). */
export function heapF64(backend: BackendWasm, pointer: number, length: number): Float64Array {
  return new Float64Array(backendMemory(backend).buffer, pointer, length);
}

/** A Float32Array view of `length` floats at byte offset `pointer` of the backend's heap (current buffer). */
export function heapF32(backend: BackendWasm, pointer: number, length: number): Float32Array {
  return new Float32Array(backendMemory(backend).buffer, pointer, length);
}

/** Releases scratch from {@link heapAlloc}. */
export function heapFree(backend: BackendWasm, pointer: number): void {
  (backend.wasm as unknown as EmscriptenHeap)._free(pointer);
}

/** Fifteen numbers: see {@link convGeometry}. */
export type ConvGeometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/**
 * The geometry arguments every conv kernel of the module takes, in its order: batch, input H/W/C,
 * output H/W, output channels (or the depthwise channel multiplier), filter H/W, strides, dilations,
 * top/left padding.
 */
export function convGeometry(info: backend_util.Conv2DInfo, depthwise = false): ConvGeometry {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    depthwise ? info.outChannels / info.inChannels : info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}
