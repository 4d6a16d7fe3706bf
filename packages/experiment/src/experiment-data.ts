import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findDuplicates, type DuplicateGroup } from '@fpdb/audit/node';
import { fpdbCacheHome, openDataset, type Dataset } from '@fpdb/loader/node';
import { holdOutBy, labelSpace, officialSplit, stratifiedGroupKFold, validationSplit, type FpdbRecord, type LabelSpace, type SplitGroups } from '@fpdb/schema';
import { generateDataset, RENDERER_VERSION, SYNTH_MARKER_FILE, type SynthMarker } from '@fpdb/synth/node';
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
  /** What `config.dedupe` did; absent for `none`. */
  dedupe?: DedupeOutcome;
}

/** The near-duplicate handling of a run, as its report states it. */
export interface DedupeOutcome {
  mode: 'group' | 'drop-within-patient';
  /** Duplicate groups found in the task's records, and those spanning two or more patients. */
  groups: number;
  crossPatientGroups: number;
  /** Images removed from the run: train images duplicating a test image (`group`), or repeats within a patient. */
  dropped: number;
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
    if (
      marker.complete &&
      marker.renderer === RENDERER_VERSION &&
      marker.seed === c.synth.seed &&
      marker.images === c.synth.images &&
      marker.size?.width === c.synth.width &&
      marker.size.height === c.synth.height
    ) {
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

/** The records of `ds` that are in `records` (same objects), as a Dataset in CSV order. */
const subset = (ds: Dataset, records: readonly FpdbRecord[]): Dataset => {
  const keep = new Set(records);
  return ds.filter({ where: (r) => keep.has(r) });
};

/** The test pool when duplicate groups must not straddle it (dedupe `group`); `dropped` counts train images removed. */
function groupedTestPool(ds: Dataset, t: TestSplit, seed: number, group: SplitGroups): { train: Dataset; test: Dataset; description: string; dropped: number } {
  if (t.kind === 'official') {
    const s = officialSplit(ds.records, { group });
    return { train: subset(ds, s.train), test: subset(ds, s.test), description: 'official patient-disjoint train/test split', dropped: s.dropped.length };
  }
  if (t.kind === 'k-fold') {
    const fold = stratifiedGroupKFold(officialSplit(ds.records).train, { k: t.k, seed, group })[t.fold]!;
    return {
      train: subset(ds, fold.train),
      test: subset(ds, fold.validation),
      description: `fold ${t.fold + 1} of a ${t.k}-fold split by patient of the official train set (stratified, seed ${seed})`,
      dropped: 0,
    };
  }
  const h = holdOutBy(ds.records, t.key === 'usMachine' ? { key: 'usMachine', values: t.values, group } : { key: 'operator', values: t.values, group });
  return {
    train: subset(ds, h.train),
    test: subset(ds, h.test),
    description: `hold-out: test = ${t.key} ${t.values.join(', ')} (${h.dropped.length} images of patients on both sides dropped)`,
    dropped: 0,
  };
}

/** Per group, every member after the first of each patient: the images `drop-within-patient` removes. */
function withinPatientRepeats(groups: readonly DuplicateGroup[]): Set<string> {
  const drop = new Set<string>();
  for (const g of groups) {
    const seen = new Set<number>();
    for (const m of g.members) {
      if (seen.has(m.patientId)) drop.add(m.imageName);
      seen.add(m.patientId);
    }
  }
  return drop;
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
 * task's records, handles near-duplicates as `config.dedupe` says (finding them with @fpdb/audit from
 * the 64×64 pixel cache, built once), and splits by patient: the test set (official or hold-out), then
 * a stratified validation carve-out from train. Pure given the config: `fpdb eval` rebuilds the same sets.
 */
export async function experimentData(config: ExperimentConfig, onEvent: (e: DataEvent) => void = () => {}, signal?: AbortSignal): Promise<ExperimentData> {
  const root = config.data ? resolve(config.data) : await ensureSynth(config, onEvent, signal);
  onEvent({ kind: 'phase', message: `Opening ${root}` });
  const all = await openDataset(root, { missing: 'skip', mode: config.lenient ? 'lenient' : 'strict', extra: config.extra });
  const space = labelSpace(config.task);
  const machines = config.trainMachines;
  const onMachines = (description: string): string => (machines ? `${description}; training and validation only on ${machines.join(' + ')}` : description);
  const base = { root, all, missingSkipped: all.check.missing.length, space };
  let dataset = all.filter({ task: config.task });
  if (config.dedupe === 'none') {
    const pool = testPool(dataset, config.testSplit, config.seed);
    const trainPool = machines ? pool.train.filter({ usMachine: machines }) : pool.train;
    const { train, validation } = trainPool.validationSplit({ fraction: config.validationFraction, seed: config.seed });
    return { ...base, dataset, train, validation, test: pool.test, splitDescription: onMachines(pool.description) };
  }
  onEvent({ kind: 'phase', message: `Finding near-duplicate images (dedupe '${config.dedupe}')` });
  const { groups } = await findDuplicates(dataset, signal ? { signal } : {});
  const crossPatientGroups = groups.filter((g) => g.scope.crossPatient).length;
  const found = `${groups.length} near-duplicate groups, ${crossPatientGroups} across patients`;
  if (config.dedupe === 'drop-within-patient') {
    const drop = withinPatientRepeats(groups);
    dataset = dataset.filter({ where: (r) => !drop.has(r.imageName) });
    const pool = testPool(dataset, config.testSplit, config.seed);
    const trainPool = machines ? pool.train.filter({ usMachine: machines }) : pool.train;
    const { train, validation } = trainPool.validationSplit({ fraction: config.validationFraction, seed: config.seed });
    const description = `${pool.description}; dedupe drop-within-patient: ${drop.size} repeated images of a patient dropped (${found})`;
    return {
      ...base,
      dataset,
      train,
      validation,
      test: pool.test,
      splitDescription: onMachines(description),
      dedupe: { mode: 'drop-within-patient', groups: groups.length, crossPatientGroups, dropped: drop.size },
    };
  }
  const groupOf = new Map(groups.flatMap((g) => g.members.map((m) => [m.imageName, `g${g.id}`] as const)));
  const group = (r: FpdbRecord): string | undefined => groupOf.get(r.imageName);
  const pool = groupedTestPool(dataset, config.testSplit, config.seed, group);
  const trainPool = machines ? pool.train.filter({ usMachine: machines }) : pool.train;
  const split = validationSplit(trainPool.records, { fraction: config.validationFraction, seed: config.seed, group });
  const dropped = config.testSplit.kind === 'official' ? `, ${pool.dropped} train images duplicating a test image dropped` : '';
  const description = `${pool.description}; dedupe group: every near-duplicate group on one side of each split${dropped} (${found})`;
  return {
    ...base,
    dataset,
    train: subset(trainPool, split.train),
    validation: subset(trainPool, split.validation),
    test: pool.test,
    splitDescription: onMachines(description),
    dedupe: { mode: 'group', groups: groups.length, crossPatientGroups, dropped: pool.dropped },
  };
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
