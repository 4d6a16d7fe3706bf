import sharp from 'sharp';
import { FpdbError } from '@fpdb/schema';
import { readGray, type GrayImage } from './read-image.js';

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

/**
 * Renders a heatmap (values in [0, 1], row-major `height × width`) over an image as an RGB PNG at the
 * image's size: the heatmap is resized bilinearly, coloured with {@link jet} and blended.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a heatmap whose length is not width × height; FPDB_IMAGE_DECODE for an unreadable image.
 * @example await writeFile('cam.png', await gradCamOverlay('a.png', { data: cam.heatmap, width: cam.width, height: cam.height }));
 */
export async function gradCamOverlay(image: string | Buffer | GrayImage, heatmap: { data: Float32Array; width: number; height: number }, options: OverlayOptions = {}): Promise<Buffer> {
  const alpha = options.alpha ?? 0.45;
  if (heatmap.data.length !== heatmap.width * heatmap.height) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `The heatmap has ${heatmap.data.length} values but ${heatmap.width}×${heatmap.height} needs ${heatmap.width * heatmap.height}.`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new FpdbError('FPDB_INVALID_ARGUMENT', `alpha must be in [0, 1] but is ${alpha}.`);
  const base = typeof image === 'string' || Buffer.isBuffer(image) ? await readGray(image) : image;
  const heat8 = Buffer.from(Uint8Array.from(heatmap.data, (v) => Math.round(255 * Math.min(1, Math.max(0, v)))));
  const resized = await sharp(heat8, { raw: { width: heatmap.width, height: heatmap.height, channels: 1 } })
    .resize(base.width, base.height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const n = base.width * base.height;
  const rgb = Buffer.alloc(n * 3);
  for (let p = 0; p < n; p++) {
    const g = base.pixels[p]!;
    const [r, gg, b] = jet(resized[p]! / 255);
    rgb[p * 3] = Math.round((1 - alpha) * g + alpha * r);
    rgb[p * 3 + 1] = Math.round((1 - alpha) * g + alpha * gg);
    rgb[p * 3 + 2] = Math.round((1 - alpha) * g + alpha * b);
  }
  return sharp(rgb, { raw: { width: base.width, height: base.height, channels: 3 } }).png().toBuffer();
}
