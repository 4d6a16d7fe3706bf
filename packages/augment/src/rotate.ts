import type { Rng } from '@fpdb/schema';
import { forwardAffine, invert } from './internal/affine.js';
import { eachSample } from './internal/each-sample.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link rotate}. */
export interface RotateOptions {
  /** Angle range in degrees, `[min, max]` or `x` for `[-x, x]`; positive is counter-clockwise on screen. Default 15. */
  degrees?: number | Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Rotate extends Transform {
  readonly type = 'rotate';
  constructor(
    readonly degrees: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, degrees: [...this.degrees], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    eachSample(work, rng, this.p, (i) => {
      const angle = rng.uniform(this.degrees[0], this.degrees[1]);
      work.pushAffine(i, invert(forwardAffine(work.width, work.height, angle, 0, 0, 1, 0, 0)));
    });
  }
}

/**
 * Rotates each image about its centre by an angle drawn uniformly from `degrees`, bilinear, black fill.
 * Small angles (±10–15°) are what the literature uses on this data; 360° breaks the fan geometry.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example rotate({ degrees: [-15, 15] }).apply(batch, 7)
 */
export function rotate(options: RotateOptions = {}): Transform {
  return new Rotate(checkRange('rotate', 'degrees', options.degrees ?? 15, { lo: -360, hi: 360 }), checkProbability('rotate', options.p, 1));
}
