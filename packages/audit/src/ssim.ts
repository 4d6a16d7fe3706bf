import { FpdbError } from '@fpdb/schema';

/** The SSIM window side: 7×7 uniform, scikit-image's `structural_similarity` default. */
export const SSIM_WINDOW = 7;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** Per-image window statistics, computed once and reused for every pair the image is in. */
export interface SsimStats {
  width: number;
  height: number;
  /** Window means and (sample) variances, `(height−6)·(width−6)`, row-major. */
  mean: Float64Array;
  variance: Float64Array;
}

function windowSums(values: Float64Array, width: number, height: number, out: Float64Array): void {
  const w = SSIM_WINDOW;
  const ow = width - w + 1;
  const oh = height - w + 1;
  // Horizontal running sums, then vertical: O(pixels) whatever the window.
  const rows = new Float64Array(ow * height);
  for (let y = 0; y < height; y++) {
    let s = 0;
    const base = y * width;
    for (let x = 0; x < w; x++) s += values[base + x]!;
    rows[y * ow] = s;
    for (let x = 1; x < ow; x++) {
      s += values[base + x + w - 1]! - values[base + x - 1]!;
      rows[y * ow + x] = s;
    }
  }
  for (let x = 0; x < ow; x++) {
    let s = 0;
    for (let y = 0; y < w; y++) s += rows[y * ow + x]!;
    out[x] = s;
    for (let y = 1; y < oh; y++) {
      s += rows[(y + w - 1) * ow + x]! - rows[(y - 1) * ow + x]!;
      out[y * ow + x] = s;
    }
  }
}

function check(width: number, height: number, length: number): void {
  if (width < SSIM_WINDOW || height < SSIM_WINDOW || length !== width * height) {
    throw new FpdbError('FPDB_SHAPE', `SSIM needs ${width}×${height} = ${width * height} pixels of at least ${SSIM_WINDOW}×${SSIM_WINDOW}; got ${length}.`, {
      details: { value: [width, height, length] },
    });
  }
}

/**
 * The window means and variances of one image (see {@link ssimOf}).
 * @throws FpdbError FPDB_SHAPE when the image is smaller than the window or `pixels` has another length.
 */
export function ssimStats(pixels: Uint8Array, width: number, height: number): SsimStats {
  check(width, height, pixels.length);
  const n = SSIM_WINDOW * SSIM_WINDOW;
  const size = (width - SSIM_WINDOW + 1) * (height - SSIM_WINDOW + 1);
  const x = Float64Array.from(pixels);
  const x2 = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) x2[i] = x[i]! * x[i]!;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  windowSums(x, width, height, mean);
  windowSums(x2, width, height, variance);
  const cov = n / (n - 1);
  for (let i = 0; i < size; i++) {
    const m = mean[i]! / n;
    mean[i] = m;
    variance[i] = cov * (variance[i]! / n - m * m);
  }
  return { width, height, mean, variance };
}

/**
 * SSIM of two images from their {@link ssimStats}: mean over the valid 7×7 windows, K1 0.01, K2 0.03,
 * L 255, sample covariance — scikit-image's `structural_similarity(a, b, data_range=255)`.
 * `scratch` (pixels long) avoids allocations in a loop.
 */
export function ssimOf(a: Uint8Array, sa: SsimStats, b: Uint8Array, sb: SsimStats, scratch?: { product: Float64Array; sums: Float64Array }): number {
  const { width, height } = sa;
  const n = SSIM_WINDOW * SSIM_WINDOW;
  const product = scratch?.product ?? new Float64Array(width * height);
  const sums = scratch?.sums ?? new Float64Array(sa.mean.length);
  for (let i = 0; i < product.length; i++) product[i] = a[i]! * b[i]!;
  windowSums(product, width, height, sums);
  const cov = n / (n - 1);
  let total = 0;
  for (let i = 0; i < sums.length; i++) {
    const ma = sa.mean[i]!;
    const mb = sb.mean[i]!;
    const covariance = cov * (sums[i]! / n - ma * mb);
    total += ((2 * ma * mb + C1) * (2 * covariance + C2)) / ((ma * ma + mb * mb + C1) * (sa.variance[i]! + sb.variance[i]! + C2));
  }
  return total / sums.length;
}

/**
 * Structural similarity of two gray images of one size, in [−1, 1] (1: identical): 7×7 uniform
 * windows, scikit-image's defaults for 8-bit data.
 * @throws FpdbError FPDB_SHAPE when the sizes differ or are smaller than 7×7.
 * @example ssim(a, b, 64, 64) // 0.93
 */
export function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  check(width, height, b.length);
  return ssimOf(a, ssimStats(a, width, height), b, ssimStats(b, width, height));
}
