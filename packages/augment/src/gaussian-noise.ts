import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { drawSeed } from './internal/sampling.js';
import { gaussianNoiseKernel } from './internal/noise.js';
import { checkNumber, checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Noise mean, in [0, 1] intensity units. Default 0. */
  mean?: number;
  /** Standard deviation range, drawn per image (intensity units). Default [0, 0.05]. */
  std?: number | Range;
  /** Clamp the result to [0, 1]. Default true. */
  clip?: boolean;
  /** Probability per image. Default 1. */
  p?: number;
}

class GaussianNoise extends Transform {
  readonly type = 'gaussianNoise';
  constructor(
    readonly mean: number,
    readonly std: Range,
    readonly clip: boolean,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, mean: this.mean, std: [...this.std], clip: this.clip, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const n = work.size;
    eachSample(work, rng, this.p, (i) => {
      const std = rng.uniform(this.std[0], this.std[1]);
      gaussianNoiseKernel(work.data, i * n, n, this.mean, std, drawSeed(rng), this.clip);
    });
  }
}

/**
 * Adds i.i.d. Gaussian noise N(mean, std²) to every pixel, std drawn per image.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range, mean or p.
 * @example gaussianNoise({ std: [0, 0.03] }).apply(batch, 1)
 */
export function gaussianNoise(options: GaussianNoiseOptions = {}): Transform {
  const s = options.std ?? [0, 0.05];
  return new GaussianNoise(
    checkNumber('gaussianNoise', 'mean', options.mean ?? 0, -1, 1),
    checkRange('gaussianNoise', 'std', typeof s === 'number' ? [s, s] : s, { lo: 0, hi: 10 }),
    options.clip ?? true,
    checkProbability('gaussianNoise', options.p, 1),
  );
}
