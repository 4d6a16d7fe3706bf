import { ARCHITECTURES, BACKEND_CHOICES, PRETRAINED_PRESETS, isArchitectureName, presetNameOf, type ArchitectureName, type BackendChoice, type PretrainedPresetName } from '@fpdb/models';
import {
  FpdbError,
  IMAGENET_GRAY_NORMALIZATION,
  RESIZE_POLICIES,
  TASKS,
  isResizePolicy,
  normalizationAffine,
  parsePreprocess,
  type Normalization,
  type Operator,
  type Preprocess,
  type ResizePolicy,
  type Task,
  type UsMachine,
} from '@fpdb/schema';

/** The optimizers a run can use. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
/** `balanced`: inverse class frequency of the training set. */
export const CLASS_WEIGHTINGS = ['none', 'balanced'] as const;
/** How training batches are drawn: in shuffled order, or class-balanced. */
export const SAMPLINGS = ['sequential', 'balanced'] as const;

/**
 * What near-duplicate images (found by @fpdb/audit's findDuplicates) do to a run: `none` nothing;
 * `group` keeps every duplicate group on one side of each split (with the fixed official split: train
 * images duplicating a test image are dropped); `drop-within-patient` keeps one image per patient of each group.
 */
export const DEDUPE_MODES = ['none', 'group', 'drop-within-patient'] as const;

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
  /** Near-duplicate handling, one of {@link DEDUPE_MODES}; default `none` (the data as released). */
  dedupe: (typeof DEDUPE_MODES)[number];
  /** Read a damaged metadata file leniently: bad rows are dropped and counted instead of stopping the run. */
  lenient: boolean;
  /** PNGs in `Images/` that no CSV row names: `error` (the default: the folder is not the release) or `ignore`. */
  extra: 'error' | 'ignore';
  /** A configurable family (`resnet`, …) or a pretrained network by name (`resnet18`, `densenet121`, `mobilenetv2_100`, …). */
  architecture: ArchitectureName | PretrainedPresetName;
  /**
   * Start from pretrained weights: a network's name (its ImageNet weights are pulled once into the user
   * cache), a `.safetensors` / `.pth` file (with `architecture` naming its network), or an fpdb checkpoint folder.
   */
  pretrained?: string;
  /** Fine-tuning: epochs at the start with the pretrained backbone frozen (batch norm in inference mode). */
  freezeEpochs: number;
  /** Fine-tuning: the backbone's learning rate as a multiple of `learningRate`. */
  backboneLrMultiplier: number;
  /** How pixels become floats. Default: ImageNet's statistics made gray for pretrained weights, a checkpoint's own for a checkpoint, else `unit`. */
  normalization?: Normalization;
  widths?: number[];
  inputSize: number;
  resize: ResizePolicy;
  epochs: number;
  batchSize: number;
  optimizer: (typeof OPTIMIZERS)[number];
  learningRate: number;
  warmupSteps: number;
  labelSmoothing: number;
  weightDecay: number;
  /** `balanced`: inverse class frequency of the training set. */
  classWeights: (typeof CLASS_WEIGHTINGS)[number];
  sampling: (typeof SAMPLINGS)[number];
  earlyStoppingPatience?: number;
  /** `default`: @fpdb/augment's ultrasoundDefaults(); `none`; or a pipeline JSON. */
  augment: 'default' | 'none' | Record<string, unknown>;
  backend: BackendChoice;
  /**
   * Data-parallel training workers (each its own backend); 0 trains on the main thread; 'auto': one per
   * available core, capped by the batch size and the wasm heap (the run records the number chosen).
   */
  workers: number | 'auto';
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
  dedupe: 'none',
  lenient: false,
  extra: 'error',
  architecture: 'reference-cnn',
  inputSize: 128,
  resize: 'pad',
  epochs: 8,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 2e-3,
  warmupSteps: 20,
  freezeEpochs: 0,
  backboneLrMultiplier: 1,
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
  const known = new Set(Object.keys(DEFAULT_CONFIG).concat(['data', 'widths', 'earlyStoppingPatience', 'trainMachines', 'pretrained', 'normalization']));
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) throw new FpdbError('FPDB_CONFIG', `Unknown config key ${JSON.stringify(key)}; known keys: ${[...known].sort().join(', ')}.`, { details: { value: key } });
  }
  const c: ExperimentConfig = { ...DEFAULT_CONFIG, ...partial, synth: { ...DEFAULT_CONFIG.synth, ...partial.synth } };
  c.architecture = presetNameOf(c.architecture) ?? c.architecture;
  applyPretrainedDefaults(c, partial);
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
  if (!(c.workers === 'auto' || (Number.isInteger(c.workers) && c.workers >= 0))) bad('workers', "an integer ≥ 0 or 'auto'");
  if (!(Number.isInteger(c.bootstrapResamples) && c.bootstrapResamples >= 0)) bad('bootstrapResamples', 'an integer ≥ 0');
  if (!isResizePolicy(c.resize)) bad('resize', RESIZE_POLICIES.join(' | '));
  if (!(OPTIMIZERS as readonly string[]).includes(c.optimizer)) bad('optimizer', OPTIMIZERS.join(' | '));
  if (!(CLASS_WEIGHTINGS as readonly string[]).includes(c.classWeights)) bad('classWeights', CLASS_WEIGHTINGS.join(' | '));
  if (!(SAMPLINGS as readonly string[]).includes(c.sampling)) bad('sampling', SAMPLINGS.join(' | '));
  if (!(DEDUPE_MODES as readonly string[]).includes(c.dedupe)) bad('dedupe', DEDUPE_MODES.join(' | '));
  if (typeof c.lenient !== 'boolean') bad('lenient', 'true or false');
  if (c.extra !== 'error' && c.extra !== 'ignore') bad('extra', 'error | ignore');
  if (!(Number.isInteger(c.freezeEpochs) && c.freezeEpochs >= 0)) bad('freezeEpochs', 'an integer ≥ 0');
  if (!(c.backboneLrMultiplier > 0 && Number.isFinite(c.backboneLrMultiplier))) bad('backboneLrMultiplier', 'a positive number');
  if (c.normalization !== undefined) {
    try {
      normalizationAffine(c.normalization);
    } catch {
      bad('normalization', "'unit', 'symmetric' or { mean, std } with std > 0");
    }
  }
  if (!(BACKEND_CHOICES as readonly string[]).includes(c.backend)) bad('backend', BACKEND_CHOICES.join(' | '));
  if (!isArchitectureName(c.architecture) && !isPresetName(c.architecture)) bad('architecture', [...ARCHITECTURES, ...Object.keys(PRETRAINED_PRESETS)].join(' | '));
  if (!(Number.isInteger(c.synth.images) && c.synth.images >= 24)) bad('synth', 'an object with images ≥ 24');
  const t = c.testSplit;
  if (t.kind === 'k-fold' && !(Number.isInteger(t.k) && t.k >= 2 && Number.isInteger(t.fold) && t.fold >= 0 && t.fold < t.k)) bad('testSplit', 'k-fold with integers k ≥ 2 and 0 ≤ fold < k');
  if (t.kind === 'hold-out' && !(Array.isArray(t.values) && t.values.length > 0)) bad('testSplit', 'hold-out with at least one value');
  return c;
}

/** True when `name` is a pretrained network's name (not an alias). */
export function isPresetName(name: unknown): name is PretrainedPresetName {
  return typeof name === 'string' && Object.hasOwn(PRETRAINED_PRESETS, name);
}

/** A weights file by its extension (anything else given as `pretrained` is a network name or a checkpoint folder). */
export const isWeightsFile = (path: string): boolean => /\.(safetensors|pth|pt|bin)$/i.test(path);

/**
 * What `pretrained` implies when the config does not say otherwise: the network of a named preset, 224² inputs
 * and ImageNet's gray normalisation for ImageNet weights.
 * @throws FpdbError FPDB_CONFIG when `pretrained` names another network than `architecture`, or a weights file comes without a network name.
 */
function applyPretrainedDefaults(c: ExperimentConfig, partial: Partial<ExperimentConfig>): void {
  if (c.pretrained === undefined) return;
  if (typeof c.pretrained !== 'string' || c.pretrained === '') {
    throw new FpdbError('FPDB_CONFIG', `Config pretrained must be a network name, a weights file or a checkpoint folder; got ${JSON.stringify(c.pretrained)}.`, { details: { value: 'pretrained' } });
  }
  const named = presetNameOf(c.pretrained) ?? c.pretrained;
  const presets = Object.keys(PRETRAINED_PRESETS).join(', ');
  if (isPresetName(named)) {
    if (partial.architecture !== undefined && c.architecture !== named) {
      throw new FpdbError('FPDB_CONFIG', `Config pretrained is ${named}'s weights but architecture is ${c.architecture}; drop architecture, or set it to ${named}.`, {
        details: { value: 'architecture' },
      });
    }
    c.pretrained = named;
    c.architecture = named;
  } else if (isWeightsFile(c.pretrained) && !isPresetName(c.architecture)) {
    throw new FpdbError('FPDB_CONFIG', `Config pretrained is a weights file (${c.pretrained}): set architecture to its network, one of ${presets}.`, { details: { value: 'architecture' } });
  }
  const imagenet = isPresetName(named) || isWeightsFile(c.pretrained);
  if (imagenet && partial.inputSize === undefined) c.inputSize = 224;
  if (imagenet && c.normalization === undefined) c.normalization = { ...IMAGENET_GRAY_NORMALIZATION };
}

/**
 * The preprocessing of a run: square `inputSize` images fitted by `resize`, normalised by `normalization`
 * (default [0, 1]). Caching, training, the checkpoint and evaluation all take it from here.
 * @example experimentPreprocess(DEFAULT_CONFIG) // { height: 128, width: 128, policy: 'pad', normalization: 'unit' }
 */
export function experimentPreprocess(config: Pick<ExperimentConfig, 'inputSize' | 'resize' | 'normalization'>): Preprocess {
  return parsePreprocess({ height: config.inputSize, width: config.inputSize, policy: config.resize, normalization: config.normalization ?? 'unit' });
}
