import type { Rng } from '@fpdb/schema';
import { flipMatrix } from './internal/affine.js';
import { eachSample } from './internal/each-sample.js';
import { checkProbability } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link horizontalFlip}. */
export interface HorizontalFlipOptions {
  /** Probability per image. Default 0.5. */
  p?: number;
}

class HorizontalFlip extends Transform {
  readonly type = 'horizontalFlip';
  constructor(readonly p: number) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    const m = flipMatrix(work.width);
    eachSample(work, rng, this.p, (i) => work.pushAffine(i, m));
  }
}

/**
 * Mirrors images left–right with probability `p` (exact, no interpolation when not fused with another
 * geometric transform). Vertical flips are not offered: they put the probe at the bottom of the fan.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for p outside [0, 1].
 * @example horizontalFlip({ p: 0.5 }).apply(batch, 1)
 */
export function horizontalFlip(options: HorizontalFlipOptions = {}): Transform {
  return new HorizontalFlip(checkProbability('horizontalFlip', options.p, 0.5));
}
