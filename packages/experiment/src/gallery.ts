import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imagePath } from '@fpdb/loader/node';
import { gradCam, gradCamOverlay, type Model } from '@fpdb/models';
import type { Preprocess } from '@fpdb/schema';
import { readModelInputs } from './model-inputs.js';
import type { DatasetPredictions } from './predict-dataset.js';
import type { GalleryItem } from './run-summary.js';

/** Options of {@link pickGallery} and {@link writeGallery}. */
export interface GalleryOptions {
  /** Examples per true class (default 2): its most confident correct images, else its best-scored ones. */
  perClass?: number;
  /** The most confident errors shown (default 6). */
  errors?: number;
}

/** One chosen case: its index in the predictions, why it was chosen, and its predicted class. */
export interface GalleryPick {
  index: number;
  kind: GalleryItem['kind'];
  predicted: number;
  probability: number;
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}

/**
 * Chooses the gallery's cases from a set's predictions: per true class, up to `perClass` images (correct
 * ones first, most confident first); then the `errors` wrong predictions with the highest predicted
 * probability. Ties go by image name, so the choice is deterministic. Each image is shown once.
 */
export function pickGallery(p: DatasetPredictions, options: GalleryOptions = {}): GalleryPick[] {
  const perClass = options.perClass ?? 2;
  const errors = options.errors ?? 6;
  const k = p.numClasses;
  const rows = p.records.map((r, i) => {
    const row = p.probabilities.subarray(i * k, (i + 1) * k);
    const predicted = argmax(row);
    return { index: i, name: r.imageName, label: p.labels[i]!, predicted, probability: row[predicted]!, trueProbability: row[p.labels[i]!]! };
  });
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const out: GalleryPick[] = [];
  for (let c = 0; c < k; c++) {
    const ofClass = rows.filter((r) => r.label === c).sort((a, b) => Number(b.predicted === c) - Number(a.predicted === c) || b.trueProbability - a.trueProbability || byName(a, b));
    for (const r of ofClass.slice(0, perClass)) out.push({ index: r.index, kind: 'class', predicted: r.predicted, probability: r.probability });
  }
  const shown = new Set(out.map((g) => g.index));
  const wrong = rows.filter((r) => r.predicted !== r.label && !shown.has(r.index)).sort((a, b) => b.probability - a.probability || byName(a, b));
  for (const r of wrong.slice(0, errors)) out.push({ index: r.index, kind: 'error', predicted: r.predicted, probability: r.probability });
  return out;
}

/**
 * Writes the gallery of a set into `<out>/gallery/`: for each case of {@link pickGallery}, the model input
 * (`N-image.png`) and its Grad-CAM overlay for the predicted class (`N-gradcam.png`), both at the model's
 * input size, read with the model's own preprocessing. Returns the items the report shows; none (and no
 * folder) for an empty set. Disposes every tensor it makes.
 * @throws FpdbError from reading an image (FPDB_IMAGE_MISSING, FPDB_IMAGE_DECODE, …) naming the file.
 */
export async function writeGallery(
  model: Model,
  p: DatasetPredictions,
  options: GalleryOptions & { root: string; out: string; classes: readonly string[]; preprocess: Preprocess },
): Promise<GalleryItem[]> {
  const dir = join(options.out, 'gallery');
  await rm(dir, { recursive: true, force: true });
  const picks = p.records.length === 0 ? [] : pickGallery(p, options);
  if (picks.length === 0) return [];
  await mkdir(dir, { recursive: true });
  const { width, height } = options.preprocess;
  const items: GalleryItem[] = [];
  for (const [n, g] of picks.entries()) {
    const record = p.records[g.index]!;
    const { pixels, images, shape } = await readModelInputs([imagePath(options.root, record.imageName)], options.preprocess);
    const x = tf.tensor4d(images, shape);
    try {
      const cam = gradCam(model, x, { classIndex: g.predicted });
      const base = { pixels: pixels[0]!, width, height };
      const image = `gallery/${n + 1}-image.png`;
      const overlay = `gallery/${n + 1}-gradcam.png`;
      // alpha 0: the overlay encoder writes the plain input, so no PNG encoder is needed here.
      await writeFile(join(options.out, image), await gradCamOverlay(base, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight }, { alpha: 0 }));
      await writeFile(join(options.out, overlay), await gradCamOverlay(base, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight }));
      items.push({
        kind: g.kind,
        file: `${record.imageName}.png`,
        image,
        gradCam: overlay,
        size: width,
        trueClass: options.classes[p.labels[g.index]!]!,
        predictedClass: options.classes[g.predicted]!,
        probability: g.probability,
      });
    } finally {
      x.dispose();
    }
  }
  return items;
}
