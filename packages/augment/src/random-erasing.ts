import { FastRandom, type Rng } from '@fpdb/schema';
import { eachSample } from './internal/each-sample.js';
import { checkNumber, checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Erased area as a fraction of the image. Default [0.02, 0.2]. */
  scale?: Range;
  /** Aspect ratio range of the erased box (log-uniform). Default [0.3, 3.3]. */
  ratio?: Range;
  /** Fill: a value in [0, 1], or `'noise'` for uniform [0, 1) noise. Default 0 (black). */
  value?: number | 'noise';
  /** Probability per image. Default 0.5 (torchvision's RandomErasing). */
  p?: number;
}

class RandomErasing extends Transform {
  readonly type = 'randomErasing';
  constructor(
    readonly scale: Range,
    readonly ratio: Range,
    readonly value: number | 'noise',
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, scale: [...this.scale], ratio: [...this.ratio], value: this.value, p: this.p };
  }
  run(work: Work, rng: Rng): void {
    work.flush();
    const { width: W, height: H, size: n } = work;
    const logLo = Math.log(this.ratio[0]);
    const logHi = Math.log(this.ratio[1]);
    eachSample(work, rng, this.p, (i) => {
      // torchvision's get_params: up to 10 tries for a box that fits, else no-op.
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = n * rng.uniform(this.scale[0], this.scale[1]);
        const r = Math.exp(rng.uniform(logLo, logHi));
        const h = Math.round(Math.sqrt(area * r));
        const w = Math.round(Math.sqrt(area / r));
        if (!(h < H && w < W) || h < 1 || w < 1) continue;
        const y0 = rng.int(H - h + 1);
        const x0 = rng.int(W - w + 1);
        const d = work.data;
        const noise = this.value === 'noise' ? FastRandom.from(rng) : undefined;
        const v = this.value === 'noise' ? 0 : this.value;
        for (let y = y0; y < y0 + h; y++) {
          const row = i * n + y * W;
          if (noise) for (let x = x0; x < x0 + w; x++) d[row + x] = noise.next();
          else d.fill(v, row + x0, row + x0 + w);
        }
        return;
      }
    });
  }
}

/**
 * Random erasing / cutout: blanks one random box per image (area fraction from `scale`, aspect from
 * `ratio`) — torchvision's RandomErasing on [0, 1] images.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range, value or p.
 * @example randomErasing({ scale: [0.02, 0.1], p: 0.5 }).apply(batch, 1)
 */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const value = options.value ?? 0;
  if (value !== 'noise') checkNumber('randomErasing', "value (a number in [0, 1] or 'noise')", value, 0, 1);
  return new RandomErasing(
    checkRange('randomErasing', 'scale', options.scale ?? [0.02, 0.2], { lo: 0, hi: 1 }),
    checkRange('randomErasing', 'ratio', options.ratio ?? [0.3, 3.3], { lo: 1e-3, hi: 1e3 }),
    value,
    checkProbability('randomErasing', options.p, 0.5),
  );
}

/** Options of {@link cutout}. */
export interface CutoutOptions {
  /** Side of the square hole as a fraction of the image side (of √area for non-square images). Default 0.25. */
  size?: number;
  /** Probability per image. Default 0.5. */
  p?: number;
}

/**
 * Cutout: a black square hole of side `size`·√(H·W) at a random place — {@link randomErasing} with a fixed
 * area and ratio 1 (serialises as `randomErasing`).
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for size outside (0, 1) or a bad p.
 * @example cutout({ size: 0.25 }).apply(batch, 1)
 */
export function cutout(options: CutoutOptions = {}): Transform {
  const s = checkNumber('cutout', 'size', options.size ?? 0.25, 1e-3, 0.999);
  return randomErasing({ scale: [s * s, s * s], ratio: [1, 1], value: 0, p: options.p ?? 0.5 });
}
