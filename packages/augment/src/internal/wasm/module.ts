import { cachedWasm, compileWasm, instantiateWasm } from '@fpdb/internal/wasm';
import { AUGMENT_KERNELS_WASM_BASE64 } from './kernels-wasm.js';
import { AUGMENT_PIXEL_KERNELS_WASM_BASE64 } from './pixel-kernels-wasm.js';

/** The exports of kernels.c; every pointer is a byte offset into {@link WasmKernels.memory}. */
export interface KernelExports {
  noise_init(table: number): void;
  noise_table_bytes(): number;
  gaussian_noise(d: number, blocks: number, mean: number, std: number, seed: number, clip: number, table: number): void;
  speckle_noise(d: number, blocks: number, std: number, seed: number, clip: number, table: number): void;
  resize_crop(img: number, tmp: number, xl: number, xf: number, yl: number, yf: number, w: number, h: number, rowLo: number, rowHi: number): void;
}

/** The exports of pixel-kernels.c (a second module on the same memory); pointers are byte offsets. */
export interface PixelKernelExports {
  scale_shift(d: number, blocks: number, a: number, b: number, lo: number, hi: number): void;
  sum8(d: number, blocks: number): number;
  blend(out: number, a: number, b: number, blocks: number, lambda: number, mu: number): void;
  sharpen(src: number, dst: number, col: number, w: number, h: number, a: number, b: number): void;
  gamma_init(table: number): void;
  gamma_table_bytes(): number;
  gamma_pow(d: number, blocks: number, gh: number, gl: number, lg: number, gain: number, table: number): void;
}

/** The instantiated kernels and views on their memory (refreshed by {@link reserve} when it grows). */
export interface WasmKernels {
  readonly exports: KernelExports;
  /** The per-pixel kernels of pixel-kernels.c, on the same memory. */
  readonly pixel: PixelKernelExports;
  readonly memory: WebAssembly.Memory;
  f32: Float32Array;
  i32: Int32Array;
}

const PAGE = 65536;
/** Byte offset of the noise kernels' constant table (written once at load). */
export const NOISE_TABLE = 0;
/** Byte offset of the gamma kernel's constant table (after the noise table). */
export const GAMMA_TABLE = 512;
/** Byte offset where the kernels' working data starts (after the constant tables). */
export const HEAP_BASE = 1024;
let forceFallback = false;

/** Compiles and instantiates both modules on one memory; undefined without WebAssembly SIMD. */
function load(): WasmKernels | undefined {
  // Synchronous compile: fine in Node and workers; a browser main thread may refuse modules > 4 KB
  // (each module stays below), in which case the JS fallback (bit-identical) runs.
  const kernels = compileWasm([AUGMENT_KERNELS_WASM_BASE64]);
  const pixelKernels = compileWasm([AUGMENT_PIXEL_KERNELS_WASM_BASE64]);
  if (kernels === undefined || pixelKernels === undefined) return undefined; // no SIMD128
  const memory = new WebAssembly.Memory({ initial: 4 });
  const exports = instantiateWasm<KernelExports>(kernels.module, memory);
  const pixel = instantiateWasm<PixelKernelExports>(pixelKernels.module, memory);
  if (exports.noise_table_bytes() > GAMMA_TABLE - NOISE_TABLE || pixel.gamma_table_bytes() > HEAP_BASE - GAMMA_TABLE) return undefined;
  exports.noise_init(NOISE_TABLE);
  pixel.gamma_init(GAMMA_TABLE);
  return { exports, pixel, memory, f32: new Float32Array(memory.buffer), i32: new Int32Array(memory.buffer) };
}

/** Loaded on first use, once per thread. */
const loaded = /* @__PURE__ */ cachedWasm(load);

/**
 * The SIMD kernels, compiled and instantiated on first use (cached), or undefined when WebAssembly
 * SIMD is unavailable or {@link setForceFallback} is on: callers then run the bit-identical JS code.
 */
export function wasmKernels(): WasmKernels | undefined {
  if (forceFallback) return undefined;
  return loaded();
}

/** Grows the kernels' memory to hold `bytes` from {@link HEAP_BASE} and returns `k` with fresh views. */
export function reserve(k: WasmKernels, bytes: number): WasmKernels {
  const have = k.memory.buffer.byteLength;
  bytes += HEAP_BASE;
  if (have < bytes) {
    k.memory.grow(Math.ceil((bytes - have) / PAGE));
    k.f32 = new Float32Array(k.memory.buffer);
    k.i32 = new Int32Array(k.memory.buffer);
  }
  return k;
}

/** Tests only: true forces the JS fallback everywhere (same bytes, no WebAssembly). */
export function setForceFallback(on: boolean): void {
  forceFallback = on;
}
