import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fpdbCacheHome, openDataset, type Dataset } from '@fpdb/loader/node';
import { labelSpace, type FpdbRecord, type LabelSpace } from '@fpdb/schema';
import { generateDataset, RENDERER_VERSION, SYNTH_MARKER_FILE, type SynthMarker } from '@fpdb/synth';
import type { ExperimentConfig, TestSplit } from './experiment-config.js';
import type { SplitSize } from './run-summary.js';

/** Progress of data preparation. */
export type DataEvent = { kind: 'phase'; message: string } | { kind: 'synth'; done: number; total: number };

/** The data of a run: the dataset (task records only), its label space, and the three patient-disjoint sets. */
export interface ExperimentData {
  root: string;
  /** Every record of the folder (all tasks); the pixel cache is built over these once. */
  all: Dataset;
  /** Rows skipped because their image is missing. */
  missingSkipped: number;
  dataset: Dataset;
  space: LabelSpace;
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  splitDescription: string;
}

/** Where the synthetic dataset of a config lives: `synth.dir`, or a folder in the user cache keyed by its options. */
export function synthDir(c: ExperimentConfig): string {
  if (c.synth.dir) return resolve(c.synth.dir);
  return join(fpdbCacheHome(), `synth-${c.synth.images}-seed${c.synth.seed}-${c.synth.width}x${c.synth.height}`);
}

/**
 * Generates the synthetic release once per (images, seed, size, renderer version); later calls reuse the
 * complete folder. Returns the folder.
 */
export async function ensureSynth(c: ExperimentConfig, onEvent: (e: DataEvent) => void, signal?: AbortSignal): Promise<string> {
  const dir = synthDir(c);
  try {
    const marker = JSON.parse(await readFile(join(dir, SYNTH_MARKER_FILE), 'utf8')) as SynthMarker;
    // A folder from another renderer version holds other pixels: it is generated again.
    if (marker.complete && marker.renderer === RENDERER_VERSION && marker.seed === c.synth.seed && marker.images === c.synth.images && marker.size?.width === c.synth.width && marker.size.height === c.synth.height) {
      onEvent({ kind: 'phase', message: `Using the synthetic dataset in ${dir}` });
      return dir;
    }
  } catch {
    // No usable previous output: generate it.
  }
  onEvent({ kind: 'phase', message: `Generating ${c.synth.images} synthetic images in ${dir} (once; later runs reuse them)` });
  await generateDataset({
    outDir: dir,
    images: c.synth.images,
    seed: c.synth.seed,
    size: { width: c.synth.width, height: c.synth.height },
    overwrite: true,
    onProgress: (p) => onEvent({ kind: 'synth', done: p.done, total: p.total }),
    signal,
  });
  return dir;
}

function testPool(ds: Dataset, t: TestSplit, seed: number): { train: Dataset; test: Dataset; description: string } {
  if (t.kind === 'official') return { ...ds.officialSplit(), description: 'official patient-disjoint train/test split' };
  if (t.kind === 'k-fold') {
    const fold = ds.officialSplit().train.kFold({ k: t.k, seed })[t.fold]!;
    return { train: fold.train, test: fold.validation, description: `fold ${t.fold + 1} of a ${t.k}-fold split by patient of the official train set (stratified, seed ${seed})` };
  }
  const h = t.key === 'usMachine' ? ds.holdOut({ key: 'usMachine', values: t.values }) : ds.holdOut({ key: 'operator', values: t.values });
  return { train: h.train, test: h.test, description: `hold-out: test = ${t.key} ${t.values.join(', ')} (${h.dropped.size} images of patients on both sides dropped)` };
}

/**
 * Opens the run's data (generating the synthetic release when `config.data` is absent), keeps the
 * task's records, and splits by patient: the test set (official or hold-out), then a stratified
 * validation carve-out from train. Pure given the config: `fpdb eval` rebuilds the same sets.
 */
export async function experimentData(config: ExperimentConfig, onEvent: (e: DataEvent) => void = () => {}, signal?: AbortSignal): Promise<ExperimentData> {
  const root = config.data ? resolve(config.data) : await ensureSynth(config, onEvent, signal);
  onEvent({ kind: 'phase', message: `Opening ${root}` });
  const all = await openDataset(root, { missing: 'skip' });
  const space = labelSpace(config.task);
  const dataset = all.filter({ task: config.task });
  const pool = testPool(dataset, config.testSplit, config.seed);
  const machines = config.trainMachines;
  const trainPool = machines ? pool.train.filter({ usMachine: machines }) : pool.train;
  const { train, validation } = trainPool.validationSplit({ fraction: config.validationFraction, seed: config.seed });
  const description = machines ? `${pool.description}; training and validation only on ${machines.join(' + ')}` : pool.description;
  return { root, all, missingSkipped: all.check.missing.length, dataset, space, train, validation, test: pool.test, splitDescription: description };
}

/** Images, patients and per-class counts of a set. */
export function sizeOf(records: readonly FpdbRecord[], space: LabelSpace): SplitSize {
  const byClass: Record<string, number> = Object.fromEntries(space.classes.map((c) => [c, 0]));
  for (const r of records) {
    const name = space.nameOf(r);
    if (name !== undefined) byClass[name]! += 1;
  }
  return { images: records.length, patients: new Set(records.map((r) => r.patientId)).size, byClass };
}
