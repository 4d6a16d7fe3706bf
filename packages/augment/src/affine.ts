import type { Rng } from '@fpdb/schema';
import { forwardAffine, invert } from './internal/affine.js';
import { eachSample } from './internal/each-sample.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link affine}. Every range is `[min, max]` or one number `x` for a symmetric range. */
export interface AffineOptions {
  /** Rotation in degrees (counter-clockwise positive). Default 0. */
  degrees?: number | Range;
  /** Maximum absolute translation as a fraction of width and height: `[fx, fy]`. Default [0.05, 0.05]. */
  translate?: readonly [number, number];
  /** Isotropic scale range. Default [0.9, 1.1]. */
  scale?: Range;
  /** Shear along x in degrees. Default 0. */
  shear?: number | Range;
  /** Shear along y in degrees. Default 0. */
  shearY?: number | Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class Affine extends Transform {
  readonly type = 'affine';
  constructor(
    readonly degrees: Range,
    readonly translate: readonly [number, number],
    readonly scale: Range,
    readonly shear: Range,
    readonly shearY: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return {
      type: this.type,
      degrees: [...this.degrees],
      translate: [...this.translate],
      scale: [...this.scale],
      shear: [...this.shear],
      shearY: [...this.shearY],
      p: this.p,
    };
  }
  run(work: Work, rng: Rng): void {
    const { width: w, height: h } = work;
    eachSample(work, rng, this.p, (i) => {
      const angle = rng.uniform(this.degrees[0], this.degrees[1]);
      const tx = rng.uniform(-this.translate[0], this.translate[0]) * w;
      const ty = rng.uniform(-this.translate[1], this.translate[1]) * h;
      const s = rng.uniform(this.scale[0], this.scale[1]);
      const shx = rng.uniform(this.shear[0], this.shear[1]);
      const shy = rng.uniform(this.shearY[0], this.shearY[1]);
      work.pushAffine(i, invert(forwardAffine(w, h, angle, tx, ty, s, shx, shy)));
    });
  }
}

/**
 * Random affine warp about the image centre (rotation, translation, scale, shear), bilinear, black fill —
 * torchvision's RandomAffine with per-image parameters. Consecutive geometric transforms are fused into
 * one resample.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example affine({ translate: [0.05, 0.05], scale: [0.9, 1.1] }).apply(batch, 3)
 */
export function affine(options: AffineOptions = {}): Transform {
  const where = 'affine';
  const t = options.translate ?? [0.05, 0.05];
  const tr = [checkRange(where, 'translate[0]', [0, t[0]], { lo: 0, hi: 1 })[1], checkRange(where, 'translate[1]', [0, t[1]], { lo: 0, hi: 1 })[1]] as const;
  return new Affine(
    checkRange(where, 'degrees', options.degrees ?? 0, { lo: -360, hi: 360 }),
    tr,
    checkRange(where, 'scale', options.scale ?? [0.9, 1.1], { lo: 1e-3, hi: 100 }),
    checkRange(where, 'shear', options.shear ?? 0, { lo: -89, hi: 89 }),
    checkRange(where, 'shearY', options.shearY ?? 0, { lo: -89, hi: 89 }),
    checkProbability(where, options.p, 1),
  );
}
