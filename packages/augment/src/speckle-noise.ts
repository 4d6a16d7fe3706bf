import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { drawSeed } from './internal/sampling.js';
import { speckleNoiseKernel } from './internal/noise.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link speckleNoise}. */
export interface SpeckleNoiseOptions {
  /** Standard deviation range of the multiplicative term, drawn per image. Default [0, 0.15]. */
  std?: number | Range;
  /** Clamp the result to [0, 1]. Default true. */
  clip?: boolean;
  /** Probability per image. Default 1. */
  p?: number;
}

class SpeckleNoise extends Transform {
  readonly type = 'speckleNoise';
  constructor(
    readonly std: Range,
    readonly clip: boolean,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, std: [...this.std], clip: this.clip, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const n = work.size;
    eachSample(work, rng, this.p, (i) => {
      const std = rng.uniform(this.std[0], this.std[1]);
      speckleNoiseKernel(work.data, i * n, n, std, drawSeed(rng), this.clip);
    });
  }
}

/**
 * Multiplicative (speckle) noise `v·(1 + n)`, n ~ N(0, std²) i.i.d. per pixel, std drawn per image — the
 * granular texture of ultrasound. Black stays black.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example speckleNoise({ std: [0, 0.15] }).apply(batch, 1)
 */
export function speckleNoise(options: SpeckleNoiseOptions = {}): Transform {
  const s = options.std ?? [0, 0.15];
  return new SpeckleNoise(checkRange('speckleNoise', 'std', typeof s === 'number' ? [s, s] : s, { lo: 0, hi: 10 }), options.clip ?? true, checkProbability('speckleNoise', options.p, 1));
}
