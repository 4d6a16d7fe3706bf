import { HEAP_BASE, reserve, wasmKernels, type WasmKernels } from './wasm/module.js';

// MixUp's image blend, in place: image i becomes λ·x_i + μ·x_π(i) (μ = 1 − λ) for a permutation π, in
// float32: fround(fround(λ·a) + fround(μ·b)) per pixel with λ and μ rounded to float32 — the wasm kernel
// `blend` (wasm/pixel-kernels.c) and the JS fallback give the same bytes.
//
// No copy of the batch: π is walked cycle by cycle (i0 → π(i0) → π(π(i0)) → … → i0). Each image's output
// needs its own original and its partner's, and the partner is the next image of the cycle, still
// untouched — except at the end of the cycle, whose partner is i0, already overwritten: only x_i0 is kept
// aside, one image per cycle (in the wasm memory, or in the `scratch` image for the JS fallback).

const fr = Math.fround;

/**
 * Blends `batch` images of `n` floats each in `data` in place: image i ← λ·x_i + (1 − λ)·x_perm[i].
 * `scratch` supplies an image of ≥ n floats for the JS fallback (not called on the wasm path).
 */
export function blendImagesInPlace(data: Float32Array, batch: number, n: number, perm: ArrayLike<number>, lambda: number, scratch: () => Float32Array): void {
  const l = fr(lambda);
  const m = fr(1 - lambda);
  const k = wasmKernels();
  if (k === undefined) blendJs(data, batch, n, perm, l, m, scratch());
  else blendWasm(k, data, batch, n, perm, l, m);
}

function blendJs(d: Float32Array, batch: number, n: number, perm: ArrayLike<number>, l: number, m: number, first: Float32Array): void {
  const done = new Uint8Array(batch);
  for (let i0 = 0; i0 < batch; i0++) {
    if (done[i0] === 1) continue;
    first.set(d.subarray(i0 * n, i0 * n + n));
    let i = i0;
    for (;;) {
      done[i] = 1;
      const j = perm[i]!;
      const a = i * n;
      if (j === i0) {
        for (let t = 0; t < n; t++) d[a + t] = fr(fr(d[a + t]! * l) + fr(first[t]! * m));
        break;
      }
      const b = j * n;
      for (let t = 0; t < n; t++) d[a + t] = fr(fr(d[a + t]! * l) + fr(d[b + t]! * m));
      i = j;
    }
  }
}

/**
 * The wasm path: three image slots in the kernels' memory — S (x_i0, kept for the cycle's end), and A, B,
 * which take turns holding the current image and its partner; the blend overwrites the current one (or,
 * on the cycle's first step, where the current image is S, goes to the free slot) and is copied out.
 */
function blendWasm(k: WasmKernels, d: Float32Array, batch: number, n: number, perm: ArrayLike<number>, l: number, m: number): void {
  const pad = (n + 3) & ~3;
  const heap = reserve(k, 12 * pad).f32;
  const s = HEAP_BASE >> 2;
  const a = s + pad;
  const b = a + pad;
  const blocks = pad >> 2;
  const done = new Uint8Array(batch);
  for (let i0 = 0; i0 < batch; i0++) {
    if (done[i0] === 1) continue;
    heap.set(d.subarray(i0 * n, i0 * n + n), s);
    let i = i0;
    let cur = s;
    for (;;) {
      done[i] = 1;
      const j = perm[i]!;
      let next = s;
      if (j !== i0) {
        next = cur === a ? b : a;
        heap.set(d.subarray(j * n, j * n + n), next);
      }
      const out = cur === s ? (next === a ? b : a) : cur;
      k.pixel.blend(4 * out, 4 * cur, 4 * next, blocks, l, m);
      d.set(heap.subarray(out, out + n), i * n);
      if (j === i0) break;
      i = j;
      cur = next;
    }
  }
}
