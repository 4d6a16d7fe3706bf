import type { Rng } from '@fpdb/schema';
import type { Mat } from './internal/affine.js';
import { eachSample } from './internal/each-sample.js';
import { checkProbability, checkRange, type Range } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Crop area as a fraction of the image area. Default [0.5, 1]. */
  scale?: Range;
  /** Crop aspect ratio (width / height) range, drawn log-uniformly. Default [3/4, 4/3]. */
  ratio?: Range;
  /** Probability per image. Default 1. */
  p?: number;
}

class RandomResizedCrop extends Transform {
  readonly type = 'randomResizedCrop';
  constructor(
    readonly scale: Range,
    readonly ratio: Range,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, scale: [...this.scale], ratio: [...this.ratio], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    const { width: W, height: H } = work;
    const area = W * H;
    const logLo = Math.log(this.ratio[0]);
    const logHi = Math.log(this.ratio[1]);
    eachSample(work, rng, this.p, (i) => {
      // torchvision's get_params: 10 tries, then a centre crop with the ratio clamped.
      let cw = W;
      let ch = H;
      let x0 = 0;
      let y0 = 0;
      let found = false;
      for (let attempt = 0; attempt < 10 && !found; attempt++) {
        const target = area * rng.uniform(this.scale[0], this.scale[1]);
        const r = Math.exp(rng.uniform(logLo, logHi));
        const w = Math.round(Math.sqrt(target * r));
        const h = Math.round(Math.sqrt(target / r));
        if (w > 0 && h > 0 && w <= W && h <= H) {
          cw = w;
          ch = h;
          y0 = rng.int(H - h + 1);
          x0 = rng.int(W - w + 1);
          found = true;
        }
      }
      if (!found) {
        const r = W / H;
        if (r < this.ratio[0]) {
          cw = W;
          ch = Math.round(W / this.ratio[0]);
        } else if (r > this.ratio[1]) {
          ch = H;
          cw = Math.round(H * this.ratio[1]);
        }
        x0 = Math.floor((W - cw) / 2);
        y0 = Math.floor((H - ch) / 2);
      }
      if (cw === W && ch === H) return;
      // Resize of the crop back to W×H with half-pixel centres (align_corners = false).
      const sx = cw / W;
      const sy = ch / H;
      const m: Mat = [sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5];
      work.pushAffine(i, m);
    });
  }
}

/**
 * Crops a random region (area fraction from `scale`, aspect from `ratio`) and resizes it back to the
 * input size, bilinear — torchvision's RandomResizedCrop with the output size equal to the input size.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for a bad range or p.
 * @example randomResizedCrop({ scale: [0.7, 1] }).apply(batch, 5)
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Transform {
  return new RandomResizedCrop(
    checkRange('randomResizedCrop', 'scale', options.scale ?? [0.5, 1], { lo: 1e-4, hi: 1 }),
    checkRange('randomResizedCrop', 'ratio', options.ratio ?? [3 / 4, 4 / 3], { lo: 1e-3, hi: 1e3 }),
    checkProbability('randomResizedCrop', options.p, 1),
  );
}
