import { FpdbError, type Rng } from '@fpdb/schema';
import { forwardAffine, invert } from './internal/affine.js';
import { drawSeed } from './internal/sampling.js';
import { brightnessKernel, contrastKernel, gammaKernel, sharpenKernel } from './internal/intensity.js';
import { gaussianNoiseKernel, speckleNoiseKernel } from './internal/noise.js';
import { checkInteger, checkProbability } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { applyGaussianBlur } from './gaussian-blur.js';
import { Transform, type TransformJSON } from './transform.js';

/**
 * One policy operation: `apply(work, i, x)` with x the magnitude in [0, 1] (already signed for the
 * signed ops). The table scales it to the op's own units.
 */
interface PolicyOp {
  signed: boolean;
  apply(work: Work, i: number, x: number, rng: Rng): void;
}

function geometric(work: Work, i: number, angle: number, tx: number, ty: number, scale: number, shx: number, shy: number): void {
  work.pushAffine(i, invert(forwardAffine(work.width, work.height, angle, tx, ty, scale, shx, shy)));
}

function intensity(work: Work, i: number, fn: (off: number) => void): void {
  work.flushSample(i);
  fn(i * work.size);
}

const SHEAR_MAX_DEG = (Math.atan(0.3) * 180) / Math.PI; // torchvision's shear 0.3, as an angle

/**
 * The ultrasound-suitable operations of {@link randAugment} and {@link trivialAugment}. At full magnitude:
 * rotate ±15°, shear ±16.7° (torchvision's 0.3), translate ±15 %, scale ±20 %, brightness/contrast ×(1 ± 0.5),
 * sharpness 1 ± 0.9, gamma 1.5^±1, blur σ ≤ 1.5 px, Gaussian noise σ ≤ 0.08, speckle σ ≤ 0.25.
 * Left out of torchvision's list on purpose: posterize, solarize, equalize, autocontrast and colour
 * (meaningless or destructive on single-channel B-mode), and rotations/translations that push the fan out of view.
 * @example randAugment(2, 9, { ops: POLICY_OP_NAMES.filter((o) => o !== 'gaussianBlur') })
 */
export const POLICY_OP_NAMES = [
  'identity',
  'rotate',
  'shearX',
  'shearY',
  'translateX',
  'translateY',
  'scale',
  'brightness',
  'contrast',
  'sharpness',
  'gamma',
  'gaussianBlur',
  'gaussianNoise',
  'speckleNoise',
] as const;

/** The name of a policy operation. */
export type PolicyOpName = (typeof POLICY_OP_NAMES)[number];

const POLICY_OPS: Record<PolicyOpName, PolicyOp> = {
  identity: { signed: false, apply: () => undefined },
  rotate: { signed: true, apply: (w, i, x) => geometric(w, i, 15 * x, 0, 0, 1, 0, 0) },
  shearX: { signed: true, apply: (w, i, x) => geometric(w, i, 0, 0, 0, 1, SHEAR_MAX_DEG * x, 0) },
  shearY: { signed: true, apply: (w, i, x) => geometric(w, i, 0, 0, 0, 1, 0, SHEAR_MAX_DEG * x) },
  translateX: { signed: true, apply: (w, i, x) => geometric(w, i, 0, 0.15 * x * w.width, 0, 1, 0, 0) },
  translateY: { signed: true, apply: (w, i, x) => geometric(w, i, 0, 0, 0.15 * x * w.height, 1, 0, 0) },
  scale: { signed: true, apply: (w, i, x) => geometric(w, i, 0, 0, 0, 1 + 0.2 * x, 0, 0) },
  brightness: { signed: true, apply: (w, i, x) => intensity(w, i, (o) => brightnessKernel(w.data, o, w.size, 1 + 0.5 * x)) },
  contrast: { signed: true, apply: (w, i, x) => intensity(w, i, (o) => contrastKernel(w.data, o, w.size, 1 + 0.5 * x)) },
  sharpness: { signed: true, apply: (w, i, x) => intensity(w, i, (o) => sharpenKernel(w.data, o, w.width, w.height, 1 + 0.9 * x, w.tmp)) },
  gamma: { signed: true, apply: (w, i, x) => intensity(w, i, (o) => gammaKernel(w.data, o, w.size, 1.5 ** x, 1)) },
  gaussianBlur: { signed: false, apply: (w, i, x) => intensity(w, i, (o) => applyGaussianBlur(w, o, w.width, w.height, 1.5 * x)) },
  gaussianNoise: { signed: false, apply: (w, i, x, rng) => intensity(w, i, (o) => gaussianNoiseKernel(w.data, o, w.size, 0, 0.08 * x, drawSeed(rng), true)) },
  speckleNoise: { signed: false, apply: (w, i, x, rng) => intensity(w, i, (o) => speckleNoiseKernel(w.data, o, w.size, 0.25 * x, drawSeed(rng), true)) },
};

const ALL_OPS: readonly PolicyOpName[] = POLICY_OP_NAMES;

function checkOps(where: string, ops: readonly string[] | undefined): PolicyOpName[] {
  const list = ops ?? ALL_OPS;
  if (list.length === 0) throw new FpdbError('FPDB_INVALID_ARGUMENT', `${where}: ops must not be empty.`);
  for (const op of list) {
    if (!(ALL_OPS as readonly string[]).includes(op)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `${where}: unknown op '${op}'. Known: ${ALL_OPS.join(', ')}.`, { details: { value: op } });
    }
  }
  return [...list] as PolicyOpName[];
}

/** Applies `op` to sample i with bin `bin` of `bins`, sign drawn for signed ops. */
function applyOp(work: Work, rng: Rng, name: PolicyOpName, i: number, bin: number, bins: number): void {
  const op = POLICY_OPS[name];
  let x = bins > 1 ? bin / (bins - 1) : 0;
  if (op.signed && rng.next() < 0.5) x = -x;
  op.apply(work, i, x, rng);
}

/** Options of {@link randAugment}. */
export interface RandAugmentOptions {
  /** Operations to draw from. Default: all of {@link POLICY_OP_NAMES}. */
  ops?: readonly PolicyOpName[];
  /** Number of magnitude bins (magnitude m is a bin index). Default 31, as torchvision. */
  numMagnitudeBins?: number;
  /** Probability per image. Default 1. */
  p?: number;
}

class RandAugment extends Transform {
  readonly type = 'randAugment';
  constructor(
    readonly n: number,
    readonly m: number,
    readonly ops: readonly PolicyOpName[],
    readonly numMagnitudeBins: number,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, n: this.n, m: this.m, ops: [...this.ops], numMagnitudeBins: this.numMagnitudeBins, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    for (let i = 0; i < work.batch; i++) {
      if (work.active[i] === 0) continue;
      if (this.p < 1 && !(rng.next() < this.p)) continue;
      for (let s = 0; s < this.n; s++) applyOp(work, rng, this.ops[rng.int(this.ops.length)]!, i, this.m, this.numMagnitudeBins);
    }
  }
}

/**
 * RandAugment: each image gets `n` operations drawn uniformly (with replacement) from the
 * ultrasound-suitable set, all at magnitude `m` (of `numMagnitudeBins − 1`), sign random.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for n < 0, m outside the bins, an unknown op or a bad p.
 * @example randAugment(2, 9).apply(batch, 1)
 */
export function randAugment(n = 2, m = 9, options: RandAugmentOptions = {}): Transform {
  const bins = checkInteger('randAugment', 'numMagnitudeBins', options.numMagnitudeBins ?? 31, 1, 1000);
  return new RandAugment(
    checkInteger('randAugment', 'n', n, 0, 16),
    checkInteger('randAugment', 'm', m, 0, bins - 1),
    checkOps('randAugment', options.ops),
    bins,
    checkProbability('randAugment', options.p, 1),
  );
}

/** Options of {@link trivialAugment}. */
export interface TrivialAugmentOptions {
  /** Operations to draw from. Default: all of {@link POLICY_OP_NAMES}. */
  ops?: readonly PolicyOpName[];
  /** Number of magnitude bins. Default 31. */
  numMagnitudeBins?: number;
  /** Probability per image. Default 1. */
  p?: number;
}

class TrivialAugment extends Transform {
  readonly type = 'trivialAugment';
  constructor(
    readonly ops: readonly PolicyOpName[],
    readonly numMagnitudeBins: number,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, ops: [...this.ops], numMagnitudeBins: this.numMagnitudeBins, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    for (let i = 0; i < work.batch; i++) {
      if (work.active[i] === 0) continue;
      if (this.p < 1 && !(rng.next() < this.p)) continue;
      const name = this.ops[rng.int(this.ops.length)]!;
      applyOp(work, rng, name, i, rng.int(this.numMagnitudeBins), this.numMagnitudeBins);
    }
  }
}

/**
 * TrivialAugment (Wide): each image gets one operation drawn uniformly, at a magnitude bin drawn uniformly.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for an unknown op, bad bins or p.
 * @example trivialAugment().apply(batch, 1)
 */
export function trivialAugment(options: TrivialAugmentOptions = {}): Transform {
  return new TrivialAugment(
    checkOps('trivialAugment', options.ops),
    checkInteger('trivialAugment', 'numMagnitudeBins', options.numMagnitudeBins ?? 31, 1, 1000),
    checkProbability('trivialAugment', options.p, 1),
  );
}
