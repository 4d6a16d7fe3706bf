import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pairedBootstrap, type EvaluationReport, type PairedBootstrapInterval } from '@fpdb/metrics';
import { FpdbError } from '@fpdb/schema';
import { readRunPredictions, type RunPredictions } from './run-predictions.js';

/** One run as a comparison shows it: its headline test metrics and where its curves are. */
export interface ComparedRun {
  /** The run folder, absolute. */
  dir: string;
  /** A short name: the folder's base name (made unique with a number when two share it). */
  name: string;
  dataKind: 'synthetic' | 'release' | 'unknown';
  architecture: string;
  epochsDone: number | null;
  trainSeconds: number | null;
  metrics: Pick<EvaluationReport['summary'], 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'rocAucMacro' | 'logLoss' | 'brierScore' | 'ece'>;
  /** The run's own patient-bootstrap intervals, when it made them. */
  intervals: { accuracy: [number, number] | null; macroF1: [number, number] | null };
  /** `figures/training-curves.svg` of the run, absolute, or null when it has none. */
  curves: string | null;
  /** The figure's width and height in whole pixels, as drawn at scale 1 (null when unknown). */
  curvesSize: [number, number] | null;
}

/** Each run against the first (the baseline): paired patient-bootstrap intervals of `run − baseline`. */
export interface RunDifference {
  /** Index into `runs` of the compared run (≥ 1); the baseline is run 0. */
  run: number;
  accuracy: PairedBootstrapInterval;
  macroF1: PairedBootstrapInterval;
}

/** One config.json key whose values differ between the runs (`values` in run order; undefined: absent). */
export interface ConfigDifference {
  /** Dotted path, e.g. `learningRate` or `synth.images`. */
  key: string;
  values: unknown[];
}

/** What {@link compareRuns} returns: what {@link compareHtml} draws and `fpdb compare --json` prints. */
export interface RunComparison {
  runs: ComparedRun[];
  /** The shared test set. */
  testSet: { images: number; patients: number; classes: string[]; task: string };
  differences: RunDifference[];
  config: ConfigDifference[];
  bootstrap: { resamples: number; seed: number; unit: 'patient' };
}

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /** Paired bootstrap resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

// Keys that differ between any two runs without saying anything about them.
const IGNORED_KEYS = new Set(['out', 'resume']);

function flatten(value: unknown, prefix: string, into: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else into.set(prefix, value);
}

/** The keys of several config.json objects whose values differ, key by key (nested objects by dotted path). */
export function configDifferences(configs: readonly unknown[]): ConfigDifference[] {
  const flat = configs.map((c) => {
    const m = new Map<string, unknown>();
    flatten(c, '', m);
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].filter((k) => !IGNORED_KEYS.has(k.split('.')[0]!)).sort();
  return keys.map((key) => ({ key, values: flat.map((m) => m.get(key)) })).filter((d) => new Set(d.values.map((v) => JSON.stringify(v) ?? 'undefined')).size > 1);
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FpdbError('FPDB_CONFIG', `${file} is missing: the folder is not a run folder written by fpdb train (it needs ${what}).`, { cause, details: { file } });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FpdbError('FPDB_CONFIG', `${file} is not valid JSON; train the run again.`, { cause, details: { file } });
  }
}

const sample = (names: readonly string[]): string => names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');

/** Reorders `b` into `a`'s image order, or says how their test sets differ. */
function pairTo(a: RunPredictions, b: RunPredictions, aDir: string, bDir: string): RunPredictions {
  const where = (why: string) =>
    new FpdbError(
      'FPDB_SPLIT',
      `${bDir} and ${aDir} were tested on different test sets (${why}); a paired comparison needs the same test images. Compare runs trained on the same data, task and split.`,
      {
        details: { file: join(bDir, 'predictions.json'), value: why },
      },
    );
  if (a.task !== b.task || a.classes.join('\u0000') !== b.classes.join('\u0000'))
    throw where(`task ${a.task} with classes ${a.classes.join(', ')} against task ${b.task} with ${b.classes.join(', ')}`);
  const index = new Map(b.images.map((name, i) => [name, i]));
  const missing = a.images.filter((name) => !index.has(name));
  const inA = new Set(a.images);
  const extra = b.images.filter((name) => !inA.has(name));
  if (missing.length > 0 || extra.length > 0 || a.images.length !== b.images.length) {
    throw where(
      `${a.images.length} against ${b.images.length} images; ${missing.length} only in the first (${sample(missing) || 'none'}), ${extra.length} only in the second (${sample(extra) || 'none'})`,
    );
  }
  const order = a.images.map((name) => index.get(name)!);
  const relabelled = a.images.filter((name, i) => b.labels[order[i]!] !== a.labels[i]);
  if (relabelled.length > 0) throw where(`the same images carry other labels: ${sample(relabelled)}`);
  return { ...b, images: [...a.images], patientIds: order.map((j) => b.patientIds[j]!), labels: order.map((j) => b.labels[j]!), probabilities: order.map((j) => b.probabilities[j]!) };
}

/**
 * Compares run folders written by {@link runExperiment}: each run's headline test metrics and intervals,
 * the paired patient-bootstrap interval of the difference in accuracy and macro-F1 of every run against
 * the first (pairing test images by name; the same patient resample scores both runs), their
 * training-curve figures and the config.json keys whose values differ.
 * @throws FpdbError FPDB_USAGE for fewer than two runs; FPDB_CONFIG for a folder that is not a run (no
 *   metrics.json, config.json or predictions.json); FPDB_SPLIT when the runs were tested on different test
 *   sets (other images, labels, task or classes), saying how they differ.
 * @example
 * const c = await compareRuns(['runs/a', 'runs/b']);
 * c.differences[0].accuracy // { a: 0.71, b: 0.78, difference: 0.07, low: 0.01, high: 0.12, … }
 * await writeFile('compare.html', compareHtml(c, { out: '.' }));
 */
export async function compareRuns(dirs: readonly string[], options: CompareRunsOptions = {}): Promise<RunComparison> {
  if (dirs.length < 2) throw new FpdbError('FPDB_USAGE', `Comparing needs at least two run folders; got ${dirs.length}.`, { details: { value: dirs.length } });
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const abs = dirs.map((d) => resolve(d));
  const loaded = await Promise.all(
    abs.map(async (dir) => {
      const metrics = (await readJson(join(dir, 'metrics.json'), 'metrics.json')) as {
        test: EvaluationReport;
        training?: { epochsDone?: number; trainSeconds?: number };
        data?: { kind?: 'synthetic' | 'release' };
        model?: { architecture?: string };
      };
      const config = await readJson(join(dir, 'config.json'), 'config.json');
      const predictions = await readRunPredictions(dir);
      const curves = join(dir, 'figures', 'training-curves.svg');
      const svg = await readFile(curves, 'utf8').catch(() => null);
      const size = svg === null ? null : /<svg\b[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
      return { dir, metrics, config, predictions, curves: svg === null ? null : curves, curvesSize: size ? ([Math.ceil(Number(size[1])), Math.ceil(Number(size[2]))] as [number, number]) : null };
    }),
  );
  const base = loaded[0]!;
  const paired = loaded.map((r, i) => (i === 0 ? r.predictions : pairTo(base.predictions, r.predictions, base.dir, r.dir)));
  if (base.predictions.images.length === 0)
    throw new FpdbError('FPDB_EMPTY', `${base.dir} has no test predictions to compare (its test set is empty).`, { details: { file: join(base.dir, 'predictions.json') } });
  const names = abs.map((d) => basename(d));
  const unique = names.map((n, i) => (names.indexOf(n) === i && names.lastIndexOf(n) === i ? n : `${n} (${i + 1})`));
  const k = base.predictions.classes.length;
  const data = (p: RunPredictions) => ({ yTrue: p.labels, yProb: p.probabilities, numClasses: k });
  const differences = paired.slice(1).map((p, j) => {
    const d = pairedBootstrap({ accuracy: 'accuracy', macroF1: 'macroF1' }, data(paired[0]!), data(p), { groups: base.predictions.patientIds, resamples, seed });
    return { run: j + 1, accuracy: d.accuracy, macroF1: d.macroF1 };
  });
  const interval = (i: { low: number | null; high: number | null } | undefined): [number, number] | null => (i && i.low !== null && i.high !== null ? [i.low, i.high] : null);
  return {
    runs: loaded.map((r, i) => {
      const s = r.metrics.test.summary;
      return {
        dir: r.dir,
        name: unique[i]!,
        dataKind: r.metrics.data?.kind ?? 'unknown',
        architecture: r.metrics.model?.architecture ?? String((r.config as { architecture?: string }).architecture ?? '?'),
        epochsDone: r.metrics.training?.epochsDone ?? null,
        trainSeconds: r.metrics.training?.trainSeconds ?? null,
        metrics: { accuracy: s.accuracy, balancedAccuracy: s.balancedAccuracy, macroF1: s.macroF1, rocAucMacro: s.rocAucMacro, logLoss: s.logLoss, brierScore: s.brierScore, ece: s.ece },
        intervals: { accuracy: interval(r.metrics.test.bootstrap?.accuracy), macroF1: interval(r.metrics.test.bootstrap?.macroF1) },
        curves: r.curves,
        curvesSize: r.curvesSize,
      };
    }),
    testSet: { images: base.predictions.images.length, patients: new Set(base.predictions.patientIds).size, classes: [...base.predictions.classes], task: base.predictions.task },
    differences,
    config: configDifferences(loaded.map((r) => r.config)),
    bootstrap: { resamples, seed, unit: 'patient' },
  };
}
