import { affine } from './affine.js';
import { brightness } from './brightness.js';
import { compose, oneOf } from './compose.js';
import { contrast } from './contrast.js';
import { gamma } from './gamma.js';
import { gaussianBlur } from './gaussian-blur.js';
import { gaussianNoise } from './gaussian-noise.js';
import { horizontalFlip } from './horizontal-flip.js';
import { mixUp, type MixUpOptions } from './mix-up.js';
import { speckleNoise } from './speckle-noise.js';
import type { Transform } from './transform.js';

/** Options of {@link ultrasoundDefaults}. */
export interface UltrasoundDefaultsOptions {
  /** Keep the background outside the fan black. Default true. */
  fanAware?: boolean;
  /** Append MixUp with these options (needs labels and numClasses at run time). Default: no MixUp. */
  mixUp?: MixUpOptions;
}

/**
 * The augmentations the FETAL_PLANES_DB literature uses, at its mild strengths: horizontal flip (p 0.5),
 * affine (±10°, ±5 % shift, scale 0.9–1.1; p 0.8, fused with the flip into one resample), brightness and
 * contrast ×[0.8, 1.2] (p 0.8), gamma [0.8, 1.25] (p 0.5), then one of Gaussian noise σ ≤ 0.03,
 * speckle σ ≤ 0.15 or blur σ 0.1–1 px (p 0.5); fan-aware. No vertical flip, no large rotation.
 * @example const out = ultrasoundDefaults().apply({ data, batch: 32, height: 128, width: 128 }, step);
 */
export function ultrasoundDefaults(options: UltrasoundDefaultsOptions = {}): Transform {
  const steps: Transform[] = [
    horizontalFlip({ p: 0.5 }),
    affine({ degrees: 10, translate: [0.05, 0.05], scale: [0.9, 1.1], p: 0.8 }),
    brightness({ factor: 0.2, p: 0.8 }),
    contrast({ factor: 0.2, p: 0.8 }),
    gamma({ gamma: [0.8, 1.25], p: 0.5 }),
    oneOf([gaussianNoise({ std: [0, 0.03] }), speckleNoise({ std: [0, 0.15] }), gaussianBlur({ sigma: [0.1, 1] })], { p: 0.5 }),
  ];
  if (options.mixUp) steps.push(mixUp(options.mixUp));
  return compose(steps, { fanAware: options.fanAware ?? true });
}
