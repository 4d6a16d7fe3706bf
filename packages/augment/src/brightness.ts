import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { brightnessKernel } from './internal/intensity.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link brightness}. */
export interface BrightnessOptions {
  /** Multiplicative factor range, `[min, max]` or `b` for `[1 − b, 1 + b]`. Default 0.2. */
  factor?: number | Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Brightness extends Transform {
  readonly type = 'brightness';
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
    const n = work.size;
    eachSample(work, rng, this.p, (i) => brightnessKernel(work.data, i * n, n, rng.uniform(this.factor[0], this.factor[1])));
  }
}

/**
 * Multiplies each image by a factor drawn from `factor`, clamped to [0, 1] (torchvision ColorJitter brightness).
 * Black stays black, so the fan background is untouched.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example brightness({ factor: 0.2 }).apply(batch, 1)
 */
export function brightness(options: BrightnessOptions = {}): Transform {
  const f = options.factor ?? 0.2;
  const range = typeof f === 'number' ? ([Math.max(0, 1 - Math.abs(f)), 1 + Math.abs(f)] as const) : f;
  return new Brightness(checkRange('brightness', 'factor', range, { lo: 0 }), checkProbability('brightness', options.p, 1));
}
