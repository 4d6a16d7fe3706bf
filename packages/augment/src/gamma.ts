import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { gammaKernel } from './internal/intensity.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link gamma}. */
export interface GammaOptions {
  /** Exponent range. Default [0.8, 1.25]. */
  gamma?: Range;
  /** Gain range (multiplier after the power). Default [1, 1]. */
  gain?: Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Gamma extends Transform {
  readonly type = 'gamma';
  constructor(
    readonly gamma: Range,
    readonly gain: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, gamma: [...this.gamma], gain: [...this.gain], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const n = work.size;
    eachSample(work, rng, this.p, (i) => {
      const g = rng.uniform(this.gamma[0], this.gamma[1]);
      const k = rng.uniform(this.gain[0], this.gain[1]);
      gammaKernel(work.data, i * n, n, g, k);
    });
  }
}

/**
 * Gamma (and gain) jitter: `gain·v^γ` with γ and gain drawn per image, clamped to [0, 1]
 * (torchvision's adjust_gamma). Black stays black. Computed with float32 log2/exp2 polynomials (SIMD
 * WebAssembly, or the bit-identical JS fallback): relative error < 2.5e-7 for γ in [0.5, 2], < 1e-6 up to
 * γ = 16 (results below 2^−126 flush to 0); γ = 1 is exactly gain·v; exact Math.pow for γ > 16.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example gamma({ gamma: [0.7, 1.5] }).apply(batch, 1)
 */
export function gamma(options: GammaOptions = {}): Transform {
  return new Gamma(
    checkRange('gamma', 'gamma', options.gamma ?? [0.8, 1.25], { lo: 1e-3, hi: 100 }),
    checkRange('gamma', 'gain', options.gain ?? [1, 1], { lo: 0, hi: 100 }),
    checkProbability('gamma', options.p, 1),
  );
}
