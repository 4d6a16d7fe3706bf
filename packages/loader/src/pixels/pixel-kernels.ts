import { cachedWasm, compileWasm, instantiateWasm } from '@fpdb/internal/wasm';
import { PIXEL_KERNELS_WASM_BASE64 } from './wasm/pixel-kernels-wasm.js';

/** The exports of wasm/pixel-kernels.c; every pointer is a byte offset into the module's memory. */
interface PixelKernelExports {
  png_unfilter(src: number, dst: number, height: number, stride: number, bpp: number): number;
  gray_from_samples(src: number, dst: number, pixels: number, channels: number): void;
  resize_rows(src: number, sw: number, dh: number, start: number, count: number, weights: number, stride: number, mid: number): void;
  resize_cols(mid: number, sw: number, dh: number, dw: number, start: number, count: number, weights: number, stride: number, out: number): void;
}

/**
 * The compiled pixel kernels and the memory they work in. Calls are synchronous, so one instance per
 * thread serves every caller; inputs are copied in at `alloc`ed offsets and results copied out.
 */
export class PixelKernels {
  private readonly memory: WebAssembly.Memory;
  readonly exports: PixelKernelExports;
  private top = 0;

  constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 64 });
    this.exports = instantiateWasm<PixelKernelExports>(module, this.memory);
  }

  /** Starts a new layout: every earlier `alloc` is released. */
  reset(): void {
    this.top = 0;
  }

  /** Reserves `bytes` (16-byte aligned), growing the memory when needed; returns the offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 16) * 16;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return at;
  }

  /** The module's memory as bytes (a fresh view: growing detaches the old one). */
  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Copies `data` to a new allocation and returns its offset. */
  put(data: Uint8Array | Int32Array | Float32Array): number {
    const at = this.alloc(data.byteLength);
    this.bytes().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }
}

/** Compiled on first use, once per thread. */
const kernels = /* @__PURE__ */ cachedWasm(() => {
  const compiled = compileWasm([PIXEL_KERNELS_WASM_BASE64]);
  return compiled && new PixelKernels(compiled.module);
});
let enabled = true;

/**
 * The pixel kernels, compiled on first use; undefined when this engine cannot compile them
 * synchronously (no WebAssembly SIMD, or a browser main thread that refuses synchronous compiles of
 * this size) — callers then run the plain-JavaScript code, which gives the same bytes.
 */
export function pixelKernels(): PixelKernels | undefined {
  return enabled ? kernels() : undefined;
}

/** @internal Turns the wasm kernels off (false) or back on, so tests can compare both paths. */
export function setPixelKernelsEnabled(on: boolean): void {
  enabled = on;
}
