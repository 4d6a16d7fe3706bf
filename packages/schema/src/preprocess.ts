import { FpdbError } from './errors.js';

/**
 * How an image is fitted to the model's H×W: `stretch` (ignore aspect), `pad` (keep aspect, letterbox in
 * black), `crop` (keep aspect, centre crop).
 */
export const RESIZE_POLICIES = ['stretch', 'pad', 'crop'] as const;
/** One of {@link RESIZE_POLICIES}. */
export type ResizePolicy = (typeof RESIZE_POLICIES)[number];

/** The named pixel normalisations: `unit` x/255 → [0, 1]; `symmetric` x/127.5 − 1 → [−1, 1]. */
export const NORMALIZATIONS = ['unit', 'symmetric'] as const;

/**
 * How uint8 pixels become float32: one of {@link NORMALIZATIONS}, or `{ mean, std }` for
 * (x/255 − mean) / std (a pretrained network's statistics).
 */
export type Normalization = (typeof NORMALIZATIONS)[number] | { mean: number; std: number };

/**
 * The preprocessing contract every stage shares: a decoded gray image becomes a model input of
 * `height`×`width` fitted by `policy`, normalised by `normalization`. Training records it in the
 * checkpoint; prediction and evaluation read it back, so they preprocess exactly as training did.
 */
export interface Preprocess {
  /** Model input height in pixels. */
  height: number;
  /** Model input width in pixels. */
  width: number;
  /** How the image is fitted to height×width. */
  policy: ResizePolicy;
  /** How uint8 pixels become float32. */
  normalization: Normalization;
}

/**
 * ImageNet's mean and std made gray: the averages of torchvision's RGB statistics (mean 0.485, 0.456,
 * 0.406; std 0.229, 0.224, 0.225). Pretrained networks are fine-tuned with it.
 */
export const IMAGENET_GRAY_NORMALIZATION: Readonly<{ mean: number; std: number }> = Object.freeze({ mean: 0.449, std: 0.226 });

/** The defaults of the optional parts of {@link Preprocess}. */
export const DEFAULT_PREPROCESS: Pick<Preprocess, 'policy' | 'normalization'> = { policy: 'stretch', normalization: 'unit' };

/** True when `value` is one of {@link RESIZE_POLICIES}. */
export function isResizePolicy(value: unknown): value is ResizePolicy {
  return (RESIZE_POLICIES as readonly unknown[]).includes(value);
}

/**
 * The affine map `x * scale + shift` of a normalisation, validated.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for an unknown name, a non-finite mean or std ≤ 0.
 * @example normalizationAffine('symmetric') // { scale: 1 / 127.5, shift: -1 }
 */
export function normalizationAffine(normalization: Normalization): { scale: number; shift: number } {
  if (normalization === 'unit') return { scale: 1 / 255, shift: 0 };
  if (normalization === 'symmetric') return { scale: 1 / 127.5, shift: -1 };
  if (typeof normalization === 'object' && normalization !== null && normalization.std > 0 && Number.isFinite(normalization.std) && Number.isFinite(normalization.mean)) {
    return { scale: 1 / (255 * normalization.std), shift: -normalization.mean / normalization.std };
  }
  throw new FpdbError('FPDB_INVALID_ARGUMENT', `Unknown normalization ${JSON.stringify(normalization)}; use 'unit', 'symmetric' or { mean, std } with a finite mean and std > 0.`, {
    details: { value: normalization },
  });
}

/**
 * Writes `pixels` (uint8) normalised into `out` at `offset`.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for an unknown normalisation or std ≤ 0.
 * @example normalizeInto(pixels, out, 0, 'unit')
 */
export function normalizeInto(pixels: Uint8Array, out: Float32Array, offset: number, normalization: Normalization = 'unit'): void {
  const { scale, shift } = normalizationAffine(normalization);
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! * scale + shift;
}

/**
 * Checks a preprocessing contract and fills the defaults (`stretch`, `unit`).
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a size that is not an integer in [1, 16384], an unknown policy or normalisation.
 * @example parsePreprocess({ height: 224, width: 224, policy: 'pad' }) // { height: 224, width: 224, policy: 'pad', normalization: 'unit' }
 */
export function parsePreprocess(input: Pick<Preprocess, 'height' | 'width'> & Partial<Preprocess>): Preprocess {
  const { height, width, policy = DEFAULT_PREPROCESS.policy, normalization = DEFAULT_PREPROCESS.normalization } = input;
  for (const [name, v] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 16384) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `Image ${name} ${v} must be an integer between 1 and 16384 pixels.`, { details: { value: v } });
    }
  }
  if (!isResizePolicy(policy)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Unknown resize policy ${JSON.stringify(policy)}; use one of ${RESIZE_POLICIES.join(', ')}.`, { details: { value: policy } });
  }
  normalizationAffine(normalization);
  return { height, width, policy, normalization: typeof normalization === 'object' ? { mean: normalization.mean, std: normalization.std } : normalization };
}

/**
 * A normalisation as people read it in reports.
 * @example formatNormalization('unit') // 'unit: pixel / 255'
 */
export function formatNormalization(normalization: Normalization): string {
  if (normalization === 'unit') return 'unit: pixel / 255';
  if (normalization === 'symmetric') return 'symmetric: pixel / 127.5 − 1';
  return `(pixel / 255 − ${normalization.mean}) / ${normalization.std}`;
}
