/** Side of the low-frequency DCT block a perceptual hash keeps: 8×8 coefficients → 64 bits. */
const BLOCK = 8;
/** The image is area-averaged to this side before the DCT (as in the classic pHash). */
const REDUCED = 32;

const COS = (() => {
  const table = new Float64Array(BLOCK * REDUCED);
  for (let u = 0; u < BLOCK; u++) for (let x = 0; x < REDUCED; x++) table[u * REDUCED + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * REDUCED));
  return table;
})();

/**
 * Writes the 64-bit DCT perceptual hash of a gray image into `out[at]` (high 32 bits) and `out[at + 1]`
 * (low 32 bits): area-average to 32×32, keep the 8×8 lowest DCT frequencies, one bit per coefficient
 * above the median of the 63 AC ones (the DC bit is always 0). Invariant to brightness and contrast
 * (an affine change of the pixels scales every AC coefficient alike); a few pixels of noise or shift
 * flip a few bits.
 */
export function perceptualHashInto(pixels: Uint8Array, width: number, height: number, out: Uint32Array, at: number): void {
  const reduced = new Float64Array(REDUCED * REDUCED);
  for (let y = 0; y < REDUCED; y++) {
    const y0 = Math.floor((y * height) / REDUCED);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / REDUCED));
    for (let x = 0; x < REDUCED; x++) {
      const x0 = Math.floor((x * width) / REDUCED);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / REDUCED));
      let s = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += pixels[yy * width + xx]!;
      reduced[y * REDUCED + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  // Rows first (8 frequencies of 32 rows), then columns: only the coefficients the hash keeps.
  const rows = new Float64Array(REDUCED * BLOCK);
  for (let y = 0; y < REDUCED; y++) {
    for (let u = 0; u < BLOCK; u++) {
      let s = 0;
      for (let x = 0; x < REDUCED; x++) s += reduced[y * REDUCED + x]! * COS[u * REDUCED + x]!;
      rows[y * BLOCK + u] = s;
    }
  }
  const coef = new Float64Array(BLOCK * BLOCK);
  for (let v = 0; v < BLOCK; v++) {
    for (let u = 0; u < BLOCK; u++) {
      let s = 0;
      for (let y = 0; y < REDUCED; y++) s += rows[y * BLOCK + u]! * COS[v * REDUCED + y]!;
      coef[v * BLOCK + u] = s;
    }
  }
  const ac = Array.from(coef.subarray(1)).sort((a, b) => a - b);
  const median = (ac[31]! + ac[32]!) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 1; i < 64; i++) {
    if (coef[i]! > median) {
      if (i < 32) hi |= 1 << (31 - i);
      else lo |= 1 << (63 - i);
    }
  }
  out[at] = hi >>> 0;
  out[at + 1] = lo >>> 0;
}

/**
 * The 64-bit DCT perceptual hash of a gray image, as 16 hex digits (see {@link hammingDistance}).
 * @param pixels `height·width` uint8, row-major.
 * @example perceptualHash(pixels, 64, 64) // 'a1c3…'
 */
export function perceptualHash(pixels: Uint8Array, width: number, height: number): string {
  const out = new Uint32Array(2);
  perceptualHashInto(pixels, width, height, out, 0);
  return out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0');
}

/** Set bits of a 32-bit integer. */
export function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Bits that differ between two perceptual hashes (0–64).
 * @example hammingDistance(perceptualHash(a, 64, 64), perceptualHash(b, 64, 64)) <= 12
 */
export function hammingDistance(a: string, b: string): number {
  const p = (s: string, i: number): number => parseInt(s.slice(i, i + 8), 16);
  return popcount32(p(a, 0) ^ p(b, 0)) + popcount32(p(a, 8) ^ p(b, 8));
}
