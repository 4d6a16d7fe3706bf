import { jet } from '@fpdb/models';

/** Grad-CAM heatmap opacity over the scan, as `fpdb predict --gradcam` draws it. */
const ALPHA = 0.45;

/**
 * Draws the model input's gray pixels with the Grad-CAM heatmap blended over them (jet colours, the
 * CLI's `gradCamOverlay` blend) and returns it as a PNG data URL; without a heatmap, the gray input alone.
 */
export function overlayDataUrl(pixels: Uint8Array, width: number, height: number, heatmap?: Float32Array): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const g = pixels[p]!;
    const [r, gg, b] = heatmap ? jet(heatmap[p]!) : [g, g, g];
    const a = heatmap ? ALPHA : 0;
    image.data[p * 4] = Math.round((1 - a) * g + a * r);
    image.data[p * 4 + 1] = Math.round((1 - a) * g + a * gg);
    image.data[p * 4 + 2] = Math.round((1 - a) * g + a * b);
    image.data[p * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}
