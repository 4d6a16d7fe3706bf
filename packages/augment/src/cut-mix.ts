import type { Rng } from '@fpdb/schema';
import { sampleBeta } from './internal/sampling.js';
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
    pasteBoxes(work.data, perm, n, W, x0, x1, y0, y1);
    if (work.mask) pasteBoxes(work.mask, perm, n, W, x0, x1, y0, y1);
    const srcSoft = soft.slice();
    for (let i = 0; i < work.batch; i++) {
      const j = perm[i]!;
      for (let c = 0; c < classes; c++) soft[i * classes + c] = kept * srcSoft[i * classes + c]! + (1 - kept) * srcSoft[j * classes + c]!;
    }
  }
}

let boxScratch = new Float32Array(0);
let maskScratch = new Uint8Array(0);

/**
 * Puts box [x0, x1)×[y0, y1) of image perm[i] into image i, for every i, in place: each cycle of the
 * permutation is walked once, moving every box one step along it with `copyWithin` (row by row); only
 * the first box of each cycle is saved aside. No copy of the whole batch.
 */
function pasteBoxes(data: Float32Array | Uint8Array, perm: Int32Array, n: number, W: number, x0: number, x1: number, y0: number, y1: number): void {
  const bw = x1 - x0;
  const bh = y1 - y0;
  if (bw <= 0 || bh <= 0) return;
  let saved: Float32Array | Uint8Array;
  if (data instanceof Float32Array) {
    if (boxScratch.length < bw * bh) boxScratch = new Float32Array(bw * bh);
    saved = boxScratch;
  } else {
    if (maskScratch.length < bw * bh) maskScratch = new Uint8Array(bw * bh);
    saved = maskScratch;
  }
  const done = new Uint8Array(perm.length);
  for (let start = 0; start < perm.length; start++) {
    if (done[start] || perm[start] === start) continue;
    for (let y = 0; y < bh; y++) {
      const a = start * n + (y0 + y) * W + x0;
      saved.set(data.subarray(a, a + bw), y * bw);
    }
    let i = start;
    for (;;) {
      done[i] = 1;
      const j = perm[i]!;
      if (j === start) break;
      for (let y = y0; y < y1; y++) {
        const b = j * n + y * W + x0;
        data.copyWithin(i * n + y * W + x0, b, b + bw);
      }
      i = j;
    }
    for (let y = 0; y < bh; y++) data.set(saved.subarray(y * bw, (y + 1) * bw), i * n + (y0 + y) * W + x0);
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
