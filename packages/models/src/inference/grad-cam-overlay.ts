import { FpdbError } from '@fpdb/schema';
import { encodeRgbPng, resizeBilinear } from '../internal/encode-rgb-png.js';

/** An 8-bit gray image, row-major. */
export interface GrayImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Options of {@link gradCamOverlay}. */
export interface OverlayOptions {
  /** Heatmap opacity in [0, 1] (default 0.45). */
  alpha?: number;
}

/** The jet colour map: 0 → dark blue, 0.5 → green, 1 → dark red. */
export function jet(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const channel = (offset: number): number => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - offset))));
  return [channel(3), channel(2), channel(1)];
}

/** An 8-bit RGBA image, row-major (`width·height·4` bytes): what a canvas's `ImageData` holds. */
export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The blended overlay as `channels` (3: RGB, 4: RGBA, opaque) bytes per pixel. */
function blend(base: GrayImage, heatmap: { data: Float32Array; width: number; height: number }, options: OverlayOptions, channels: 3 | 4): Uint8ClampedArray {
  const alpha = options.alpha ?? 0.45;
  if (heatmap.data.length !== heatmap.width * heatmap.height) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `The heatmap has ${heatmap.data.length} values but ${heatmap.width}×${heatmap.height} needs ${heatmap.width * heatmap.height}.`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new FpdbError('FPDB_INVALID_ARGUMENT', `alpha must be in [0, 1] but is ${alpha}.`);
  if (base.pixels.length !== base.width * base.height) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `The image has ${base.pixels.length} pixels but ${base.width}×${base.height} needs ${base.width * base.height}.`);
  }
  const heat8 = Uint8Array.from(heatmap.data, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
  const resized = resizeBilinear(heat8, heatmap.width, heatmap.height, base.width, base.height);
  const n = base.width * base.height;
  const out = new Uint8ClampedArray(n * channels);
  for (let p = 0; p < n; p++) {
    const g = base.pixels[p]!;
    const [r, gg, b] = jet(resized[p]! / 255);
    const o = p * channels;
    out[o] = Math.round((1 - alpha) * g + alpha * r);
    out[o + 1] = Math.round((1 - alpha) * g + alpha * gg);
    out[o + 2] = Math.round((1 - alpha) * g + alpha * b);
    if (channels === 4) out[o + 3] = 255;
  }
  return out;
}

/**
 * Renders a heatmap (values in [0, 1], row-major `height × width`) over a gray image (the model input's
 * pixels, as `@fpdb/loader` decoded them) as opaque RGBA pixels at the image's size, for a canvas
 * (`new ImageData(data, width, height)`): the heatmap is resized bilinearly, coloured with {@link jet}
 * and blended. The same pixels as {@link gradCamOverlay}'s PNG.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a heatmap whose length is not width × height, or an image whose pixel count is not width × height.
 * @example
 * const { data, width, height } = gradCamOverlayPixels({ pixels, width: 128, height: 128 }, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight });
 * canvas.getContext('2d').putImageData(new ImageData(data, width, height), 0, 0);
 */
export function gradCamOverlayPixels(base: GrayImage, heatmap: { data: Float32Array; width: number; height: number }, options: OverlayOptions = {}): RgbaImage {
  return { data: blend(base, heatmap, options, 4), width: base.width, height: base.height };
}

/**
 * Renders a heatmap (values in [0, 1], row-major `height × width`) over a gray image (the model input's
 * pixels, as `@fpdb/loader` decoded them) as an RGB PNG at the image's size: the heatmap is resized
 * bilinearly, coloured with {@link jet} and blended. Pure JavaScript (no native module, no Node API).
 * @returns the PNG file's bytes.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a heatmap whose length is not width × height, or an image whose pixel count is not width × height.
 * @example await writeFile('cam.png', await gradCamOverlay({ pixels, width: 128, height: 128 }, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight }));
 */
export async function gradCamOverlay(base: GrayImage, heatmap: { data: Float32Array; width: number; height: number }, options: OverlayOptions = {}): Promise<Uint8Array> {
  const rgb = blend(base, heatmap, options, 3);
  return encodeRgbPng(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), base.width, base.height);
}
