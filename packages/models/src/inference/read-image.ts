import sharp from 'sharp';
import { FpdbError } from '@fpdb/schema';
import type { Normalization, ResizePolicy } from '../checkpoint/metadata.js';

/** How an image file becomes a model input. */
export interface ImagePreprocess {
  /** [height, width]. */
  inputSize: [number, number];
  /** Default 'unit'. */
  normalization?: Normalization;
  /** Default 'stretch'. */
  resize?: ResizePolicy;
}

/** An 8-bit gray image, row-major. */
export interface GrayImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes any PNG/JPEG (gray, RGB, RGBA, 16-bit) to one 8-bit channel the way `@fpdb/loader` does:
 * alpha over black, then Rec. 601 luma `0.299 R + 0.587 G + 0.114 B`, rounded.
 * @throws FpdbError FPDB_IMAGE_DECODE when the file cannot be decoded.
 * @example const { pixels, width, height } = await readGray('Images/Patient00001_Plane1_1_of_15.png');
 */
export async function readGray(file: string | Buffer): Promise<GrayImage> {
  let decoded: { data: Buffer; info: { width: number; height: number } };
  try {
    decoded = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (cause) {
    const name = typeof file === 'string' ? file : 'the image buffer';
    throw new FpdbError('FPDB_IMAGE_DECODE', `Cannot decode ${name}: ${(cause as Error).message}. Pass a PNG or JPEG file.`, { cause, details: { file: typeof file === 'string' ? file : undefined } });
  }
  const { data, info } = decoded;
  const n = info.width * info.height;
  const pixels = new Uint8Array(n);
  for (let p = 0, s = 0; p < n; p++, s += 4) {
    const a = data[s + 3]! / 255;
    const y = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
    pixels[p] = Math.round(y * a);
  }
  return { pixels, width: info.width, height: info.height };
}

/** Resizes a gray image with a loader resize policy (`pad` letterboxes in black, `crop` centre-crops). */
export async function resizeGray(image: GrayImage, width: number, height: number, policy: ResizePolicy = 'stretch'): Promise<Uint8Array> {
  const fit = policy === 'stretch' ? 'fill' : policy === 'pad' ? 'contain' : 'cover';
  const out = await sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(width, height, { fit, background: { r: 0, g: 0, b: 0, alpha: 1 }, kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Normalises uint8 pixels to float32 as `@fpdb/loader` names the schemes. */
export function normalizePixels(pixels: Uint8Array, normalization: Normalization = 'unit'): Float32Array {
  let scale: number;
  let shift: number;
  if (normalization === 'unit') [scale, shift] = [1 / 255, 0];
  else if (normalization === 'symmetric') [scale, shift] = [1 / 127.5, -1];
  else if (typeof normalization === 'object' && normalization.std > 0) [scale, shift] = [1 / (255 * normalization.std), -normalization.mean / normalization.std];
  else throw new FpdbError('FPDB_INVALID_ARGUMENT', `Unknown normalization ${JSON.stringify(normalization)}; use 'unit', 'symmetric' or { mean, std } with std > 0.`);
  return Float32Array.from(pixels, (v) => v * scale + shift);
}

/**
 * Reads image files into model inputs: float32 [N, H, W, 1], row-major, normalised.
 * @throws FpdbError FPDB_IMAGE_DECODE for an unreadable file.
 */
export async function readImages(files: readonly string[], preprocess: ImagePreprocess): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
  const [h, w] = preprocess.inputSize;
  const data = new Float32Array(files.length * h * w);
  for (let i = 0; i < files.length; i++) {
    const gray = await readGray(files[i]!);
    const resized = await resizeGray(gray, w, h, preprocess.resize ?? 'stretch');
    data.set(normalizePixels(resized, preprocess.normalization ?? 'unit'), i * h * w);
  }
  return { data, shape: [files.length, h, w, 1] };
}
