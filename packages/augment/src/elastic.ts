import { FastRandom, type Rng } from '@fpdb/schema';
import { displacementField } from './internal/displacement-field.js';
import { eachSample } from './internal/each-sample.js';
import { drawSeed } from './internal/sampling.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import { warpDisplacement, warpMaskDisplacement } from './internal/warp.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link elastic}. */
export interface ElasticOptions {
  /** Displacement strength range (torchvision's `alpha`; pixels ≈ alpha/2 · smoothed U(−1, 1)). Default [0, 50]. */
  alpha?: number | Range;
  /** Smoothness range of the displacement field, σ in pixels (torchvision's `sigma`). Default [5, 5]. */
  sigma?: number | Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Elastic extends Transform {
  readonly type = 'elastic';
  constructor(
    readonly alpha: Range,
    readonly sigma: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, alpha: [...this.alpha], sigma: [...this.sigma], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const { width: w, height: h, size: n } = work;
    const dx = new Float32Array(n);
    const dy = new Float32Array(n);
    eachSample(work, rng, this.p, (i) => {
      const alpha = rng.uniform(this.alpha[0], this.alpha[1]);
      const sigma = rng.uniform(this.sigma[0], this.sigma[1]);
      displacementField(dx, dy, w, h, alpha, sigma, new FastRandom(drawSeed(rng)), work.tmp);
      const off = i * n;
      warpDisplacement(work.data, off, work.tmp, 0, w, h, dx, dy);
      work.data.set(work.tmp, off);
      if (work.mask) {
        const mt = work.maskScratch();
        warpMaskDisplacement(work.mask, off, mt, 0, w, h, dx, dy);
        work.mask.set(mt, off);
      }
    });
  }
}

/**
 * Elastic deformation: a random displacement field (uniform noise smoothed by a Gaussian of σ, scaled by
 * α) warps each image, bilinear, black fill — torchvision's ElasticTransform with per-image α and σ.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example elastic({ alpha: [0, 30], sigma: 5 }).apply(batch, 1)
 */
export function elastic(options: ElasticOptions = {}): Transform {
  const a = options.alpha ?? [0, 50];
  const s = options.sigma ?? 5;
  return new Elastic(
    checkRange('elastic', 'alpha', typeof a === 'number' ? [a, a] : a, { lo: 0, hi: 1e4 }),
    checkRange('elastic', 'sigma', typeof s === 'number' ? [s, s] : s, { lo: 0, hi: 100 }),
    checkProbability('elastic', options.p, 1),
  );
}
