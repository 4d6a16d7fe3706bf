/** Normalised 1-D Gaussian taps of radius `radius` (length 2·radius + 1). */
export function gaussianKernel(sigma: number, radius: number): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** Reflect an index into [0, n) without repeating the edge (… 2 1 | 0 1 2 … n−1 | n−2 …), as torch's 'reflect'. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

let padBuffer = new Float32Array(0);

/**
 * One pass of a symmetric 1-D filter along the rows of a w×h image at `srcOff`, written TRANSPOSED
 * (h×w) into `dst` at 0: two passes filter both axes while every inner loop reads contiguous memory.
 * Each row is copied once into a reflect-padded buffer so the inner loop has no edge cases; radii up to
 * 3 keep the window in registers (the common blur sizes), larger radii fold the symmetric taps.
 */
function passTransposed(src: Float32Array, srcOff: number, dst: Float32Array, w: number, h: number, kernel: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  if (padBuffer.length < w + 2 * r) padBuffer = new Float32Array(w + 2 * r);
  const pad = padBuffer;
  const c = kernel[r]!;
  const k1 = r >= 1 ? kernel[r - 1]! : 0;
  const k2 = r >= 2 ? kernel[r - 2]! : 0;
  const k3 = r >= 3 ? kernel[r - 3]! : 0;
  for (let y = 0; y < h; y++) {
    const row = srcOff + y * w;
    for (let i = 0; i < r; i++) {
      pad[i] = src[row + reflect(i - r, w)]!;
      pad[r + w + i] = src[row + reflect(w + i, w)]!;
    }
    pad.set(src.subarray(row, row + w), r);
    let o = y;
    if (r === 1) {
      let a = pad[0]!;
      let b = pad[1]!;
      for (let x = 0; x < w; x++, o += h) {
        const e = pad[x + 2]!;
        dst[o] = c * b + k1 * (a + e);
        a = b;
        b = e;
      }
    } else if (r === 2) {
      let a = pad[0]!;
      let b = pad[1]!;
      let d = pad[2]!;
      let e = pad[3]!;
      for (let x = 0; x < w; x++, o += h) {
        const f = pad[x + 4]!;
        dst[o] = c * d + k1 * (b + e) + k2 * (a + f);
        a = b;
        b = d;
        d = e;
        e = f;
      }
    } else if (r === 3) {
      let a = pad[0]!;
      let b = pad[1]!;
      let d = pad[2]!;
      let e = pad[3]!;
      let f = pad[4]!;
      let g = pad[5]!;
      for (let x = 0; x < w; x++, o += h) {
        const q = pad[x + 6]!;
        dst[o] = c * e + k1 * (d + f) + k2 * (b + g) + k3 * (a + q);
        a = b;
        b = d;
        d = e;
        e = f;
        f = g;
        g = q;
      }
    } else {
      for (let x = 0; x < w; x++, o += h) {
        const m = x + r;
        let s = c * pad[m]!;
        for (let j = 1; j <= r; j++) s += kernel[r - j]! * (pad[m - j]! + pad[m + j]!);
        dst[o] = s;
      }
    }
  }
}

/**
 * Separable convolution of one w×h image at `off` with the symmetric 1-D `kernel` (odd length,
 * radius < min(w, h)) along both axes, reflect padding, in place. `tmp` must hold at least w·h floats.
 */
export function convolveSeparable(data: Float32Array, off: number, w: number, h: number, kernel: Float32Array, tmp: Float32Array): void {
  passTransposed(data, off, tmp, w, h, kernel);
  // tmp is h×w transposed (rows of length h); the second pass transposes it back into place.
  passTransposed(tmp, 0, data.subarray(off, off + w * h), h, w, kernel);
}
