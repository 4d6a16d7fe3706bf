import { createRng } from '@fpdb/schema';
import { applyDuplicate, type DuplicateKind } from './duplicates.js';
import { encodeGrayPng } from './png.js';
import type { SynthRecord } from './plan.js';
import { renderImage } from './render/render-image.js';

/** A planted duplicate to draw instead of the record's own image: `source`'s scene, changed by `kind`. */
export interface PlantJob {
  source: SynthRecord;
  kind: DuplicateKind;
}

/** Renders the image of one record (or, with `plant`, a copy of another record's at this size) and encodes it as an 8-bit grayscale PNG. */
export function renderPng(seed: number, record: SynthRecord, plant?: PlantJob): Uint8Array {
  const shown = plant?.source ?? record;
  const pixels = renderImage({
    seed,
    patientId: shown.patientId,
    plane: shown.plane,
    planeNumber: shown.planeNumber,
    brainPlane: shown.brainPlane,
    operator: shown.operator,
    usMachine: shown.usMachine,
    frame: shown.frame,
    width: record.width,
    height: record.height,
  });
  const out = plant ? applyDuplicate(pixels, record.width, record.height, plant.kind, createRng(seed).fork('plant').fork(record.imageName)) : pixels;
  return encodeGrayPng(out, record.width, record.height);
}
