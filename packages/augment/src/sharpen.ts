import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { sharpenKernel } from './internal/intensity.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link sharpen}. */
export interface SharpenOptions {
  /** Sharpness factor range (1 = unchanged, 0 = smoothed, 2 = twice as sharp). Default [2, 2]. */
  factor?: number | Range;
  /** Probability per image. Default 0.5 (torchvision's RandomAdjustSharpness). */
  p?: number;
}

class Sharpen extends Transform {
  readonly type = 'sharpen';
  constructor(
    readonly factor: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, factor: [...this.factor], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const { width: w, height: h, size: n } = work;
    eachSample(work, rng, this.p, (i) => sharpenKernel(work.data, i * n, w, h, rng.uniform(this.factor[0], this.factor[1]), work.tmp));
  }
}

/**
 * Sharpens (or softens) by blending with a 3×3 smoothed copy: `f·v + (1 − f)·smooth`, clamped
 * — torchvision's adjust_sharpness, with the factor drawn per image.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example sharpen({ factor: [1, 2], p: 0.5 }).apply(batch, 1)
 */
export function sharpen(options: SharpenOptions = {}): Transform {
  const f = options.factor ?? 2;
  return new Sharpen(checkRange('sharpen', 'factor', typeof f === 'number' ? [f, f] : f, { lo: 0, hi: 100 }), checkProbability('sharpen', options.p, 0.5));
}
