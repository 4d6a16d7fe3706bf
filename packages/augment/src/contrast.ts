import type { Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { contrastKernel } from './internal/intensity.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link contrast}. */
export interface ContrastOptions {
  /** Contrast factor range, `[min, max]` or `c` for `[1 − c, 1 + c]`. Default 0.2. */
  factor?: number | Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Contrast extends Transform {
  readonly type = 'contrast';
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
    eachSample(work, rng, this.p, (i) => contrastKernel(work.data, i * n, n, rng.uniform(this.factor[0], this.factor[1])));
  }
}

/**
 * Scales each image's deviation from its mean by a factor from `factor`: `f·v + (1 − f)·mean`, clamped
 * to [0, 1] (torchvision ColorJitter contrast). Use a fan-aware pipeline to keep the background black.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example contrast({ factor: [0.8, 1.2] }).apply(batch, 1)
 */
export function contrast(options: ContrastOptions = {}): Transform {
  const f = options.factor ?? 0.2;
  const range = typeof f === 'number' ? ([Math.max(0, 1 - Math.abs(f)), 1 + Math.abs(f)] as const) : f;
  return new Contrast(checkRange('contrast', 'factor', range, { lo: 0 }), checkProbability('contrast', options.p, 1));
}
