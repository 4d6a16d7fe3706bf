import { FpdbError, parsePreprocess, type ResizePolicy } from '@fpdb/schema';

/** The output size and fitting of decoded pixels. */
export interface PixelOptions {
  /** Output height in pixels. */
  height: number;
  /** Output width in pixels. */
  width: number;
  /** Default `stretch`. */
  policy?: ResizePolicy;
  /** Refuse images with more pixels than this (width × height), before decoding. Default {@link DEFAULT_MAX_PIXELS} (50 MP). */
  maxPixels?: number;
}

/**
 * Where the scaled image goes. The source is scaled to `scaledWidth`×`scaledHeight`, then for `pad`
 * placed at (`offsetX`, `offsetY`) on a black H×W canvas, for `crop` the H×W window starting at
 * (`offsetX`, `offsetY`) of the scaled image is kept; for `stretch` the offsets are 0.
 */
export interface ResizeGeometry {
  policy: ResizePolicy;
  scaledWidth: number;
  scaledHeight: number;
  offsetX: number;
  offsetY: number;
}

/**
 * Validates an output size and policy.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a non-positive or non-integer size or an unknown policy.
 * @example checkPixelOptions({ height: 128, width: 128, policy: 'pad' })
 */
export function checkPixelOptions(options: PixelOptions): void {
  const { height, width, policy, maxPixels } = options;
  // Size and policy are the preprocessing contract's; its check is the one check.
  parsePreprocess({ height, width, ...(policy === undefined ? {} : { policy }) });
  if (maxPixels !== undefined && !(maxPixels > 0)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `maxPixels ${maxPixels} must be a positive number.`, { details: { value: maxPixels } });
  }
}

/**
 * The scaling and offsets that fit a `srcWidth`×`srcHeight` image to `width`×`height` under a policy.
 * Both decode paths (sharp and the browser one) use it, so they agree on geometry.
 * @example resizeGeometry(960, 660, 128, 128, 'pad') // { scaledWidth: 128, scaledHeight: 88, offsetX: 0, offsetY: 20, … }
 */
export function resizeGeometry(srcWidth: number, srcHeight: number, width: number, height: number, policy: ResizePolicy = 'stretch'): ResizeGeometry {
  if (policy === 'stretch') return { policy, scaledWidth: width, scaledHeight: height, offsetX: 0, offsetY: 0 };
  if (policy === 'pad') {
    const s = Math.min(width / srcWidth, height / srcHeight);
    const scaledWidth = Math.min(width, Math.max(1, Math.round(srcWidth * s)));
    const scaledHeight = Math.min(height, Math.max(1, Math.round(srcHeight * s)));
    return { policy, scaledWidth, scaledHeight, offsetX: Math.floor((width - scaledWidth) / 2), offsetY: Math.floor((height - scaledHeight) / 2) };
  }
  const s = Math.max(width / srcWidth, height / srcHeight);
  const scaledWidth = Math.max(width, Math.round(srcWidth * s));
  const scaledHeight = Math.max(height, Math.round(srcHeight * s));
  return { policy, scaledWidth, scaledHeight, offsetX: Math.floor((scaledWidth - width) / 2), offsetY: Math.floor((scaledHeight - height) / 2) };
}
