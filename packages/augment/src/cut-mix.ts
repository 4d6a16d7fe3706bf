import type { Rng } from '@fpdb/schema';
import { sampleBeta } from './internal/fast-random.js';
import { ensureSoft, permutation } from './internal/soft-labels.js';
import { checkInteger, checkNumber, checkProbability } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link cutMix}. */
export interface CutMixOptions {
  /** Beta(α, α) concentration of λ (the kept area fraction). Default 1. */
  alpha?: number;
  /** Class count, when the batch carries only integer labels. */
  numClasses?: number;
  /** Probability that a batch is mixed (otherwise soft labels are one-hot). Default 1. */
  p?: number;
}

class CutMix extends Transform {
  readonly type = 'cutMix';
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
    const { soft, classes } = ensureSoft(work, this.numClasses, 'cutMix');
    if (work.batch < 2 || !(rng.next() < this.p)) return;
    const { width: W, height: H, size: n } = work;
    const lambda = sampleBeta(rng, this.alpha, this.alpha);
    const perm = permutation(work.batch, (k) => rng.int(k));
    // One box per batch (as in the CutMix paper): side √(1 − λ) of each dimension, clipped at the border.
    const cut = Math.sqrt(1 - lambda);
    const cw = Math.round(W * cut);
    const ch = Math.round(H * cut);
    const cx = rng.int(W);
    const cy = rng.int(H);
    const x0 = Math.max(0, cx - (cw >> 1));
    const x1 = Math.min(W, cx + cw - (cw >> 1));
    const y0 = Math.max(0, cy - (ch >> 1));
    const y1 = Math.min(H, cy + ch - (ch >> 1));
    const kept = 1 - ((x1 - x0) * (y1 - y0)) / n;
    const src = work.data.slice();
    const srcMask = work.mask?.slice();
    const srcSoft = soft.slice();
    for (let i = 0; i < work.batch; i++) {
      const j = perm[i]!;
      for (let y = y0; y < y1; y++) {
        const a = i * n + y * W;
        const b = j * n + y * W;
        work.data.set(src.subarray(b + x0, b + x1), a + x0);
        if (work.mask && srcMask) work.mask.set(srcMask.subarray(b + x0, b + x1), a + x0);
      }
      for (let c = 0; c < classes; c++) soft[i * classes + c] = kept * srcSoft[i * classes + c]! + (1 - kept) * srcSoft[j * classes + c]!;
    }
  }
}

/**
 * CutMix: with probability `p`, pastes the same random box of a partner image x_π(i) into every image and
 * mixes the soft labels by the exact pasted area. Always outputs soft labels `[batch, numClasses]`.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for bad options, or at run time when the batch has no labels;
 *   `FPDB_LABEL` for a label outside [0, numClasses).
 * @example cutMix({ alpha: 1, numClasses: 6 }).apply({ ...batch, labels }, 1).soft
 */
export function cutMix(options: CutMixOptions = {}): Transform {
  return new CutMix(
    checkNumber('cutMix', 'alpha', options.alpha ?? 1, 1e-3, 1e3),
    options.numClasses === undefined ? undefined : checkInteger('cutMix', 'numClasses', options.numClasses, 1),
    checkProbability('cutMix', options.p, 1),
  );
}
