import type { Rng } from '@fpdb/schema';
import { blendImagesInPlace } from './internal/blend.js';
import { sampleBeta } from './internal/sampling.js';
import { ensureSoft, permutation } from './internal/soft-labels.js';
import { checkInteger, checkNumber, checkProbability } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link mixUp}. */
export interface MixUpOptions {
  /** Beta(α, α) concentration of the mixing weight λ. Default 0.2. */
  alpha?: number;
  /** Class count, when the batch carries only integer labels. */
  numClasses?: number;
  /** Probability that a batch is mixed (otherwise soft labels are one-hot). Default 1. */
  p?: number;
}

class MixUp extends Transform {
  readonly type = 'mixUp';
  override readonly batchLevel = true;
  constructor(
    readonly alpha: number,
    readonly numClasses: number | undefined,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, alpha: this.alpha, ...(this.numClasses === undefined ? {} : { numClasses: this.numClasses }), p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const { soft, classes } = ensureSoft(work, this.numClasses, 'mixUp');
    if (work.batch < 2 || !(rng.next() < this.p)) return;
    const lambda = sampleBeta(rng, this.alpha, this.alpha);
    const perm = permutation(work.batch, (k) => rng.int(k));
    const n = work.size;
    blendImagesInPlace(work.data, work.batch, n, perm, lambda, () => work.tmp);
    const srcSoft = soft.slice();
    const mu = 1 - lambda;
    for (let i = 0; i < work.batch; i++) {
      const j = perm[i]!;
      const a = i * n;
      const b = j * n;
      for (let c = 0; c < classes; c++) soft[i * classes + c] = lambda * srcSoft[i * classes + c]! + mu * srcSoft[j * classes + c]!;
      if (work.mask) for (let k = 0; k < n; k++) work.mask[a + k] = work.mask[a + k]! | work.mask[b + k]!;
    }
  }
}

/**
 * MixUp: with probability `p`, every image becomes `λ·x_i + (1 − λ)·x_π(i)` for a random permutation π
 * and one λ ~ Beta(α, α) per batch (images blended in float32, in place, SIMD WebAssembly when available),
 * and the soft labels mix the same way. Always outputs soft labels
 * `[batch, numClasses]` (one-hot when the batch is not mixed), so batch shapes never vary.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for bad options, or at run time when the batch has no labels;
 *   `FPDB_LABEL` for a label outside [0, numClasses).
 * @example mixUp({ alpha: 0.2, numClasses: 6 }).apply({ ...batch, labels }, 1).soft
 */
export function mixUp(options: MixUpOptions = {}): Transform {
  return new MixUp(
    checkNumber('mixUp', 'alpha', options.alpha ?? 0.2, 1e-3, 1e3),
    options.numClasses === undefined ? undefined : checkInteger('mixUp', 'numClasses', options.numClasses, 1),
    checkProbability('mixUp', options.p, 1),
  );
}
