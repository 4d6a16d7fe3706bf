import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FpdbError } from '@fpdb/schema';
import type { DatasetPredictions } from './predict-dataset.js';

/** The file of a run folder that keeps its per-image test predictions. */
export const PREDICTIONS_FILE = 'predictions.json';

/**
 * A run's per-image test predictions (`predictions.json`), column by column in the test set's order:
 * what {@link compareRuns} pairs by image name.
 */
export interface RunPredictions {
  format: 'fpdb-predictions/1';
  split: string;
  task: string;
  classes: string[];
  /** Image names as the dataset spells them (`Patient00001_Plane1_1_of_15`). */
  images: string[];
  patientIds: number[];
  /** True class indices, in `classes` order. */
  labels: number[];
  /** Softmax probabilities per image, rounded to 6 decimals. */
  probabilities: number[][];
}

/** The predictions of a set as the JSON a run folder keeps. */
export function runPredictions(p: DatasetPredictions, classes: readonly string[], meta: { split: string; task: string }): RunPredictions {
  const k = p.numClasses;
  return {
    format: 'fpdb-predictions/1',
    split: meta.split,
    task: meta.task,
    classes: [...classes],
    images: p.records.map((r) => r.imageName),
    patientIds: p.records.map((r) => r.patientId),
    labels: Array.from(p.labels),
    probabilities: p.records.map((_, i) => Array.from(p.probabilities.subarray(i * k, (i + 1) * k), (v) => Math.round(v * 1e6) / 1e6)),
  };
}

/**
 * Reads `<run>/predictions.json`.
 * @throws FpdbError FPDB_CONFIG when the run folder has no predictions.json (made by runs of an older fpdb: train it again) or it is not one.
 */
export async function readRunPredictions(run: string): Promise<RunPredictions> {
  const file = join(run, PREDICTIONS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FpdbError('FPDB_CONFIG', `${file} is missing: ${run} is not a run folder, or an older fpdb made it without per-image predictions. Train it again with fpdb train.`, {
      cause,
      details: { file },
    });
  }
  const p = JSON.parse(text) as RunPredictions;
  if (p?.format !== 'fpdb-predictions/1' || !Array.isArray(p.images) || p.images.length !== p.labels?.length || p.images.length !== p.probabilities?.length) {
    throw new FpdbError('FPDB_CONFIG', `${file} is not an fpdb predictions file (format fpdb-predictions/1 with images, labels and probabilities of one length).`, { details: { file } });
  }
  return p;
}
