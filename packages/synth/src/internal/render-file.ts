import { encodeGrayPng } from './png.js';
import type { SynthRecord } from './plan.js';
import { renderImage } from './render/render-image.js';

/** Renders the image of one record and encodes it as an 8-bit grayscale PNG. */
export function renderPng(seed: number, record: SynthRecord): Uint8Array {
  const pixels = renderImage({
    seed,
    patientId: record.patientId,
    plane: record.plane,
    planeNumber: record.planeNumber,
    brainPlane: record.brainPlane,
    operator: record.operator,
    usMachine: record.usMachine,
    frame: record.frame,
    width: record.width,
    height: record.height,
  });
  return encodeGrayPng(pixels, record.width, record.height);
}
