/**
 * The one gray conversion of fpdb, used by every decode path: alpha is composited onto black
 * (`v·a/max`), colour becomes Rec. 601 luma on the encoded values `0.299 R + 0.587 G + 0.114 B`
 * (as PIL's `convert('L')`), 16-bit samples keep their high byte (`v >> 8`), low bit depths are
 * scaled to 0–255, and the result is rounded to 8 bits. A gray image and its RGB re-save decode to
 * the same pixels.
 */
export const GRAY_FORMULA = 'alpha over black; Y = 0.299 R + 0.587 G + 0.114 B (Rec. 601, encoded values); 16-bit → high byte; rounded to uint8';

/** Rec. 601 luma weights (R, G, B). */
export const LUMA_WEIGHTS: readonly [number, number, number] = [0.299, 0.587, 0.114];

/**
 * Converts interleaved samples (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA channels; 8 or 16 bits) to one
 * 8-bit channel per {@link GRAY_FORMULA}. `maxValue` is the sample range (255, 65535, or 2^depth − 1).
 * @returns `width·height` bytes, row-major.
 * @example toGray8(rgba, 640 * 480, 4, 255)
 */
export function toGray8(samples: ArrayLike<number>, pixels: number, channels: number, maxValue: number): Uint8Array {
  const out = new Uint8Array(pixels);
  if (maxValue === 255 && channels >= 3) return rgb8ToGray(samples, pixels, channels);
  const scale = 255 / maxValue;
  const [wr, wg, wb] = LUMA_WEIGHTS;
  // 16-bit keeps the high byte (as libvips casts): floor(v / 257) ≈ v >> 8 exactly for v = k·257.
  const to8 = maxValue === 65535 ? (v: number) => v >>> 8 : (v: number) => v * scale;
  for (let p = 0, s = 0; p < pixels; p++, s += channels) {
    let y: number;
    let a = 1;
    if (channels === 1 || channels === 2) {
      y = to8(samples[s]!);
      if (channels === 2) a = samples[s + 1]! / maxValue;
    } else {
      y = wr * to8(samples[s]!) + wg * to8(samples[s + 1]!) + wb * to8(samples[s + 2]!);
      if (channels === 4) a = samples[s + 3]! / maxValue;
    }
    out[p] = Math.round(y * a);
  }
  return out;
}

/** {@link toGray8} for 8-bit RGB/RGBA without the per-sample closure: the same arithmetic, in one loop. */
function rgb8ToGray(samples: ArrayLike<number>, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const [wr, wg, wb] = LUMA_WEIGHTS;
  const alpha = channels === 4;
  for (let p = 0, s = 0; p < pixels; p++, s += channels) {
    const y = wr * samples[s]! + wg * samples[s + 1]! + wb * samples[s + 2]!;
    out[p] = Math.round(alpha ? y * (samples[s + 3]! / 255) : y);
  }
  return out;
}
