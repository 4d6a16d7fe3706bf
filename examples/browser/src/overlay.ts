import { gradCamOverlayPixels } from '@fpdb/models';

/**
 * The model input's gray pixels with the Grad-CAM heatmap blended over them (`gradCamOverlayPixels`: the
 * pixels `fpdb predict --gradcam` writes), as a PNG data URL; without a heatmap, the gray input alone.
 */
export function overlayDataUrl(pixels: Uint8Array, width: number, height: number, heatmap?: Float32Array): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const rgba = heatmap
    ? gradCamOverlayPixels({ pixels, width, height }, { data: heatmap, width, height }).data
    : Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => ((i & 3) === 3 ? 255 : pixels[i >> 2]!));
  canvas.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas.toDataURL('image/png');
}
