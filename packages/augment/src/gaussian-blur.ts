import { FpdbError, type Rng } from '@fpdb/schema';
import { convolveSeparable, gaussianKernel } from './internal/blur.js';
import { eachSample } from './internal/each-sample.js';
import { checkInteger, checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Standard deviation range in pixels, drawn per image. Default [0.1, 1.5]. */
  sigma?: number | Range;
  /** Odd kernel size; default `2·ceil(3σ) + 1` for each drawn σ. */
  kernelSize?: number;
  /** Probability per image. Default 1. */
  p?: number;
}

class GaussianBlur extends Transform {
  readonly type = 'gaussianBlur';
  constructor(
    readonly sigma: Range,
    readonly kernelSize: number | undefined,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, sigma: [...this.sigma], ...(this.kernelSize === undefined ? {} : { kernelSize: this.kernelSize }), p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const { width: w, height: h, size: n } = work;
    eachSample(work, rng, this.p, (i) => {
      const sigma = rng.uniform(this.sigma[0], this.sigma[1]);
      applyGaussianBlur(work, i * n, w, h, sigma, this.kernelSize);
    });
  }
}

/** @internal Blurs one sample at `off` with σ (pixels), reflect borders. Shared with the policies. */
export function applyGaussianBlur(work: Work, off: number, w: number, h: number, sigma: number, kernelSize?: number): void {
  let radius = kernelSize === undefined ? Math.ceil(3 * sigma) : (kernelSize - 1) >> 1;
  radius = Math.min(radius, Math.min(w, h) - 1);
  if (radius < 1 || sigma <= 0) return;
  convolveSeparable(work.data, off, w, h, gaussianKernel(sigma, radius), work.tmp);
}

/**
 * Gaussian blur with σ drawn per image (separable, reflect borders) — torchvision's GaussianBlur.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range, an even kernel size, or p.
 * @example gaussianBlur({ sigma: [0.1, 1.0] }).apply(batch, 1)
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): Transform {
  const s = options.sigma ?? [0.1, 1.5];
  const k = options.kernelSize === undefined ? undefined : checkInteger('gaussianBlur', 'kernelSize', options.kernelSize, 1, 255);
  if (k !== undefined && k % 2 === 0) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `gaussianBlur: kernelSize must be odd, got ${k}. Use ${k + 1}.`, { details: { value: k } });
  }
  return new GaussianBlur(checkRange('gaussianBlur', 'sigma', typeof s === 'number' ? [s, s] : s, { lo: 0, hi: 100 }), k, checkProbability('gaussianBlur', options.p, 1));
}
