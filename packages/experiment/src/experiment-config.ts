import { ARCHITECTURES, BACKEND_CHOICES, isArchitectureName, type ArchitectureName, type BackendChoice } from '@fpdb/models';
import { FpdbError, RESIZE_POLICIES, TASKS, isResizePolicy, parsePreprocess, type Operator, type Preprocess, type ResizePolicy, type Task, type UsMachine } from '@fpdb/schema';

/** Which images are the test set. */
export type TestSplit =
  | { kind: 'official' }
  | { kind: 'hold-out'; key: 'usMachine'; values: UsMachine[] }
  | { kind: 'hold-out'; key: 'operator'; values: Operator[] }
  /** Fold `fold` (0-based) of a stratified k-fold by patient over the official train split is the test set. */
  | { kind: 'k-fold'; k: number; fold: number };

/** Everything that defines a training run; written to the run folder as `config.json`. */
export interface ExperimentConfig {
  /** Release folder; absent → the synthetic dataset below. */
  data?: string;
  synth: { images: number; seed: number; width: number; height: number; dir?: string };
  task: Task;
  testSplit: TestSplit;
  /** Share of the training images (by patient) held out for validation / best-epoch choice. */
  validationFraction: number;
  /**
   * Train (and validate) only on these US machines; the test set keeps every machine and the report
   * adds a `domain` breakdown (in-domain vs shifted) — the cross-device setting.
   */
  trainMachines?: UsMachine[];
  architecture: ArchitectureName;
  widths?: number[];
  inputSize: number;
  resize: ResizePolicy;
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  warmupSteps: number;
  labelSmoothing: number;
  weightDecay: number;
  /** `balanced`: inverse class frequency of the training set. */
  classWeights: 'none' | 'balanced';
  sampling: 'sequential' | 'balanced';
  earlyStoppingPatience?: number;
  /** `default`: @fpdb/augment's ultrasoundDefaults(); `none`; or a pipeline JSON. */
  augment: 'default' | 'none' | Record<string, unknown>;
  backend: BackendChoice;
  /** Data-parallel training workers (each its own backend); 0 trains on the main thread. */
  workers: number;
  bootstrapResamples: number;
  seed: number;
  /** Run folder. */
  out: string;
  /** Continue from `<out>/checkpoints/last`. */
  resume: boolean;
}

/** The defaults of `fpdb train` and the demo: a run that finishes in a few minutes on 2 cores. */
export const DEFAULT_CONFIG: ExperimentConfig = {
  synth: { images: 2400, seed: 1, width: 186, height: 128 },
  task: 'planes',
  testSplit: { kind: 'official' },
  validationFraction: 0.15,
  architecture: 'reference-cnn',
  inputSize: 128,
  resize: 'pad',
  epochs: 8,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 2e-3,
  warmupSteps: 20,
  labelSmoothing: 0.05,
  weightDecay: 0,
  classWeights: 'none',
  sampling: 'sequential',
  augment: 'default',
  backend: 'auto',
  workers: 2,
  bootstrapResamples: 1000,
  seed: 1,
  out: 'runs/latest',
  resume: false,
};

/**
 * Checks a config and fills defaults: unknown keys and out-of-range values are an FPDB_CONFIG error naming the key.
 * @throws FpdbError FPDB_CONFIG
 */
export function resolveExperimentConfig(partial: Partial<ExperimentConfig>): ExperimentConfig {
  const known = new Set(Object.keys(DEFAULT_CONFIG).concat(['data', 'widths', 'earlyStoppingPatience', 'trainMachines']));
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) throw new FpdbError('FPDB_CONFIG', `Unknown config key ${JSON.stringify(key)}; known keys: ${[...known].sort().join(', ')}.`, { details: { value: key } });
  }
  const c: ExperimentConfig = { ...DEFAULT_CONFIG, ...partial, synth: { ...DEFAULT_CONFIG.synth, ...partial.synth } };
  const bad = (key: string, want: string): never => {
    throw new FpdbError('FPDB_CONFIG', `Config ${key} must be ${want}; got ${JSON.stringify((c as unknown as Record<string, unknown>)[key])}.`, { details: { value: key } });
  };
  const posInt = (key: keyof ExperimentConfig) => {
    const v = c[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) bad(key, 'a positive integer');
  };
  if (!(TASKS as readonly string[]).includes(c.task)) bad('task', TASKS.join(' | '));
  posInt('epochs');
  posInt('batchSize');
  posInt('inputSize');
  if (!(c.validationFraction > 0 && c.validationFraction < 1)) bad('validationFraction', 'in (0, 1)');
  if (!(c.learningRate > 0)) bad('learningRate', 'positive');
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) bad('labelSmoothing', 'in [0, 1)');
  if (!(c.weightDecay >= 0)) bad('weightDecay', '≥ 0');
  if (!(Number.isInteger(c.workers) && c.workers >= 0)) bad('workers', 'an integer ≥ 0');
  if (!(Number.isInteger(c.bootstrapResamples) && c.bootstrapResamples >= 0)) bad('bootstrapResamples', 'an integer ≥ 0');
  if (!isResizePolicy(c.resize)) bad('resize', RESIZE_POLICIES.join(' | '));
  if (!['adam', 'sgd'].includes(c.optimizer)) bad('optimizer', 'adam | sgd');
  if (!(BACKEND_CHOICES as readonly string[]).includes(c.backend)) bad('backend', BACKEND_CHOICES.join(' | '));
  if (!isArchitectureName(c.architecture)) bad('architecture', ARCHITECTURES.join(' | '));
  if (!(Number.isInteger(c.synth.images) && c.synth.images >= 24)) bad('synth', 'an object with images ≥ 24');
  const t = c.testSplit;
  if (t.kind === 'k-fold' && !(Number.isInteger(t.k) && t.k >= 2 && Number.isInteger(t.fold) && t.fold >= 0 && t.fold < t.k)) bad('testSplit', 'k-fold with integers k ≥ 2 and 0 ≤ fold < k');
  if (t.kind === 'hold-out' && !(Array.isArray(t.values) && t.values.length > 0)) bad('testSplit', 'hold-out with at least one value');
  return c;
}

/**
 * The preprocessing of a run: square `inputSize` images fitted by `resize`, normalised to [0, 1]. Caching,
 * training, the checkpoint and evaluation all take it from here.
 * @example experimentPreprocess(DEFAULT_CONFIG) // { height: 128, width: 128, policy: 'pad', normalization: 'unit' }
 */
export function experimentPreprocess(config: Pick<ExperimentConfig, 'inputSize' | 'resize'>): Preprocess {
  return parsePreprocess({ height: config.inputSize, width: config.inputSize, policy: config.resize, normalization: 'unit' });
}
