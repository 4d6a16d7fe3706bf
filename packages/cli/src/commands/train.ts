import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ARCHITECTURES, BACKEND_CHOICES, PRETRAINED_PRESETS } from '@fpdb/models';
import { FpdbError, isFpdbError, OPERATORS, RESIZE_POLICIES, TASKS, US_MACHINES } from '@fpdb/schema';
import { defineCommand, type CommandContext } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';
import {
  CLASS_WEIGHTINGS,
  DEDUPE_MODES,
  DEFAULT_CONFIG,
  resolveConfigPaths,
  OPTIMIZERS,
  RUN_LOCK_FILE,
  SAMPLINGS,
  experimentReporter,
  resolveExperimentConfig,
  runExperiment,
  type ExperimentConfig,
} from '@fpdb/experiment/node';

const d = DEFAULT_CONFIG;
const NETWORKS = [...ARCHITECTURES, ...(Object.keys(PRETRAINED_PRESETS) as (keyof typeof PRETRAINED_PRESETS)[])] as const;

/**
 * The flags of `fpdb train`. None applies a default itself (help shows DEFAULT_CONFIG's): a flag that is
 * absent leaves the `--config` file's value, else resolveExperimentConfig's default. Ranges repeat
 * resolveExperimentConfig's where a flag maps to one key, so a bad flag is a usage error naming the flag.
 */
const OPTIONS = {
  data: { type: 'path', placeholder: 'DIR', description: 'release folder (CSV + Images/); missing images are skipped and counted', defaultText: '$FPDB_DATA, else synthetic' },
  config: { type: 'path', placeholder: 'FILE', description: "JSON config (e.g. a run's config.json); flags override it" },
  out: { type: 'path', placeholder: 'DIR', description: 'run folder', defaultText: d.out },
  task: { type: 'enum', choices: TASKS, description: 'label space', defaultText: d.task },
  architecture: { type: 'enum', choices: NETWORKS, description: 'a model family, or a pretrained network by name', defaultText: d.architecture },
  pretrained: {
    type: 'string',
    placeholder: 'NAME|FILE|DIR',
    description:
      'start from pretrained weights: a network name (ImageNet weights, pulled once), a .safetensors/.pth file (with --architecture), or an fpdb checkpoint; then 224² and ImageNet gray normalisation by default',
  },
  'freeze-epochs': { type: 'integer', min: 0, description: 'fine-tuning: epochs with the pretrained backbone frozen', defaultText: String(d.freezeEpochs) },
  'backbone-lr-mult': { type: 'number', min: 0, description: "fine-tuning: the backbone's learning rate as a multiple of --learning-rate", defaultText: String(d.backboneLrMultiplier) },
  epochs: { type: 'integer', min: 1, description: 'training epochs', defaultText: String(d.epochs) },
  'batch-size': { type: 'integer', min: 1, description: 'images per step', defaultText: String(d.batchSize) },
  'input-size': { type: 'integer', min: 1, description: 'model input side in pixels', defaultText: String(d.inputSize) },
  resize: { type: 'enum', choices: RESIZE_POLICIES, description: 'how images are fitted to the input', defaultText: d.resize },
  optimizer: { type: 'enum', choices: OPTIMIZERS, description: 'optimizer', defaultText: d.optimizer },
  'learning-rate': { type: 'number', description: 'base learning rate', defaultText: String(d.learningRate) },
  'warmup-steps': { type: 'integer', min: 0, description: 'linear warm-up steps', defaultText: String(d.warmupSteps) },
  'label-smoothing': { type: 'number', min: 0, description: 'label smoothing, below 1', defaultText: String(d.labelSmoothing) },
  'weight-decay': { type: 'number', min: 0, description: 'weight decay', defaultText: String(d.weightDecay) },
  'early-stopping': { type: 'integer', min: 1, placeholder: 'PATIENCE', description: 'stop after this many epochs without a better validation macro-F1', defaultText: 'off' },
  lenient: { type: 'boolean', description: 'read a damaged metadata file leniently (bad rows dropped and counted)' },
  extra: { type: 'enum', choices: ['error', 'ignore'], description: 'PNGs in Images/ that no CSV row names', defaultText: d.extra },
  dedupe: {
    type: 'enum',
    choices: DEDUPE_MODES,
    description: 'near-duplicates (fpdb audit): group keeps each group on one side of every split; drop-within-patient keeps one image per group',
    defaultText: d.dedupe,
  },
  'class-weights': { type: 'enum', choices: CLASS_WEIGHTINGS, description: 'balanced: inverse class frequency of the training set', defaultText: d.classWeights },
  sampling: { type: 'enum', choices: SAMPLINGS, description: 'batch sampling', defaultText: d.sampling },
  augment: { type: 'string', placeholder: 'default|none|FILE.json', description: 'augmentation pipeline', defaultText: String(d.augment) },
  'validation-fraction': { type: 'number', description: 'share of training patients held out for validation, in (0, 1)', defaultText: String(d.validationFraction) },
  'hold-out-machine': { type: 'list', choices: US_MACHINES, description: 'test on these US machines, train on the others, e.g. "Voluson S10,Other"' },
  'hold-out-operator': { type: 'list', choices: OPERATORS, description: 'test on these operators, train on the others, e.g. "Op. 3"' },
  'train-machines': { type: 'list', choices: US_MACHINES, description: 'train only on these machines; the report adds an in-domain/shifted breakdown' },
  'k-fold': { type: 'integer', min: 2, placeholder: 'K', description: 'test on fold --fold of a K-fold split by patient of the official train set' },
  fold: { type: 'integer', min: 0, placeholder: 'I', description: 'the test fold of --k-fold, counted from 0', defaultText: '0' },
  backend: { type: 'enum', choices: BACKEND_CHOICES, description: 'tfjs backend', defaultText: d.backend },
  workers: {
    type: 'string',
    placeholder: 'N|auto',
    description: 'data-parallel worker threads; 0 = main thread; auto = one per core (capped by the batch and the wasm heap)',
    defaultText: String(d.workers),
  },
  bootstrap: { type: 'integer', min: 0, description: 'patient-bootstrap resamples of the test metrics', defaultText: String(d.bootstrapResamples) },
  seed: { type: 'integer', description: 'seed of every random choice', defaultText: String(d.seed) },
  'synth-images': { type: 'integer', min: 24, description: 'size of the synthetic dataset used without --data', defaultText: String(d.synth.images) },
  resume: { type: 'boolean', description: 'continue from <out>/checkpoints/last after an interruption' },
  force: { type: 'boolean', description: 'write over the run already in --out, or into a folder of other files' },
} as const;

/** Whether a folder holds a run (a config, metrics or checkpoints), which a new run would overwrite. */
async function holdsRun(dir: string): Promise<boolean> {
  for (const f of ['config.json', 'metrics.json', 'checkpoints']) {
    try {
      await access(join(dir, f));
      return true;
    } catch {
      // absent: look at the next
    }
  }
  return false;
}

/** `--workers N|auto`: 'auto' or an integer ≥ 0. @throws FpdbError FPDB_USAGE */
function parseWorkers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (/^\d+$/.test(value)) return Number(value);
  throw new FpdbError('FPDB_USAGE', `--workers takes an integer ≥ 0 or auto; got ${JSON.stringify(value)}. For example --workers auto.`, { details: { value } });
}

/** `--augment FILE.json`: the pipeline's JSON. @throws FpdbError FPDB_PIPELINE naming the file when it is unreadable or not JSON */
async function readAugment(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FpdbError(
      'FPDB_PIPELINE',
      `--augment ${file} is not a readable file (${(cause as NodeJS.ErrnoException).code ?? cause}). Pass default, none, or a pipeline JSON file (pipeline.toJSON()).`,
      {
        cause,
        details: { file },
      },
    );
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new FpdbError('FPDB_PIPELINE', `--augment ${file} is not valid JSON: ${(cause as Error).message}. Pass a pipeline JSON file (pipeline.toJSON()).`, { cause, details: { file } });
  }
}

/** Drops the absent flags, so they do not override the --config file. */
function given<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function configFrom({ values }: CommandContext<typeof OPTIONS>): Promise<ExperimentConfig> {
  let base: Partial<ExperimentConfig> = {};
  if (values.config !== undefined) {
    try {
      // A config file's paths are relative to the file, as in every tool that reads one.
      base = resolveConfigPaths(JSON.parse(await readFile(values.config, 'utf8')) as Partial<ExperimentConfig>, dirname(resolve(values.config)));
    } catch (cause) {
      throw new FpdbError('FPDB_CONFIG', `Could not read the config ${values.config}: ${(cause as Error).message}. Pass a JSON file such as a run's config.json.`, {
        cause,
        details: { file: values.config },
      });
    }
  }
  const over: Partial<ExperimentConfig> = given({
    data: values.data ?? (process.env.FPDB_DATA || undefined),
    task: values.task,
    out: values.out,
    architecture: values.architecture,
    pretrained: values.pretrained,
    freezeEpochs: values['freeze-epochs'],
    backboneLrMultiplier: values['backbone-lr-mult'],
    resize: values.resize,
    optimizer: values.optimizer,
    backend: values.backend,
    classWeights: values['class-weights'],
    sampling: values.sampling,
    dedupe: values.dedupe,
    lenient: values.lenient ? true : undefined,
    extra: values.extra,
    epochs: values.epochs,
    batchSize: values['batch-size'],
    inputSize: values['input-size'],
    learningRate: values['learning-rate'],
    warmupSteps: values['warmup-steps'],
    labelSmoothing: values['label-smoothing'],
    weightDecay: values['weight-decay'],
    validationFraction: values['validation-fraction'],
    workers: values.workers === undefined ? undefined : parseWorkers(values.workers),
    bootstrapResamples: values.bootstrap,
    seed: values.seed,
    earlyStoppingPatience: values['early-stopping'],
  });
  const augment = values.augment;
  if (augment !== undefined) over.augment = augment === 'default' || augment === 'none' ? augment : await readAugment(augment);
  if (values['hold-out-machine'].length > 0) over.testSplit = { kind: 'hold-out', key: 'usMachine', values: values['hold-out-machine'] };
  if (values['hold-out-operator'].length > 0) over.testSplit = { kind: 'hold-out', key: 'operator', values: values['hold-out-operator'] };
  if (values['train-machines'].length > 0) over.trainMachines = values['train-machines'];
  if (values['k-fold'] !== undefined) over.testSplit = { kind: 'k-fold', k: values['k-fold'], fold: values.fold ?? 0 };
  if (values['synth-images'] !== undefined) over.synth = { ...d.synth, ...base.synth, images: values['synth-images'] };
  if (values.resume) over.resume = true;
  return resolveExperimentConfig({ ...base, ...over });
}

const train = defineCommand({
  name: 'train',
  summary: 'Train and evaluate a plane classifier; writes a run folder with report.html, metrics and the checkpoint.',
  usage: 'fpdb train [--data DIR] [options]',
  description: [
    'Without --data (or FPDB_DATA) it trains on a synthetic FETAL_PLANES_DB generated once and cached.',
    'Patient-level validation split from train; best epoch by validation macro-F1; evaluated on the test split.',
    'Ctrl-C stops after the current step; the last checkpoint is kept (resume with --resume).',
  ],
  options: OPTIONS,
  json: 'print one JSON object: run folder, test metrics, training summary (epochs counted from 1, as in the progress lines)',
  async run(context) {
    if (context.positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb train takes no positional arguments (got ${context.positionals.join(' ')}); use --data DIR.`);
    const config = await configFrom(context);
    await checkOutputPath(config.out, '--out', 'folder');
    if (context.values.out !== undefined && !config.resume && !context.values.force && (await holdsRun(config.out))) {
      throw new FpdbError('FPDB_OUTPUT_NOT_EMPTY', `${config.out} already holds a run. Add --resume to continue it, --force to write over it, or choose another --out.`, {
        details: { file: config.out },
      });
    }
    // A folder that is not a run is someone's files: a run would replace its figures/ and reports.
    // fpdb's own traces of a run killed before it wrote config.json (its lock, temp files) are not someone's files.
    const present = (await readdir(config.out).catch(() => [] as string[])).filter((name) => name !== RUN_LOCK_FILE && !/\.tmp-\d+/.test(name));
    if (present.length > 0 && !context.values.force && !(await holdsRun(config.out))) {
      const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? `, … (${present.length} in all)` : '');
      throw new FpdbError('FPDB_OUTPUT_NOT_EMPTY', `${config.out} holds files that are not an fpdb run (${shown}). Choose a new or empty --out, or add --force to write the run there.`, {
        details: { file: config.out, value: present.slice(0, 10) },
      });
    }
    let result;
    try {
      result = await runExperiment(config, { onEvent: experimentReporter(context.stderr), signal: context.signal });
    } catch (error) {
      if (!isFpdbError(error, 'FPDB_ABORTED')) throw error;
      context.stderr.write(`${error.message}\n[${error.code}]\nResume with: fpdb train --config ${config.out}/config.json --resume\n`);
      if (context.json) context.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message }, resume: `fpdb train --config ${config.out}/config.json --resume` })}\n`);
      return 130;
    }
    const { out, summary } = result;
    const e = summary.evaluation;
    if (context.json) {
      context.stdout.write(
        `${JSON.stringify({ out, report: `${out}/report.html`, checkpoint: `${out}/checkpoints/best`, test: { n: e.n, ...e.summary, bootstrap: e.bootstrap }, training: { ...summary.training, bestEpoch: summary.training.bestEpoch === null ? null : summary.training.bestEpoch + 1, history: summary.training.history.map((h) => ({ ...h, epoch: h.epoch + 1 })) }, seconds: summary.seconds })}\n`,
      );
    } else {
      const b = e.bootstrap;
      context.stdout.write(
        [
          `Test (${e.n} images${e.patients ? `, ${e.patients} patients` : ''}): accuracy ${e.summary.accuracy.toFixed(3)}${b ? ` [${b.accuracy.low?.toFixed(3)}–${b.accuracy.high?.toFixed(3)}]` : ''}, macro-F1 ${e.summary.macroF1.toFixed(3)}${b ? ` [${b.macroF1.low?.toFixed(3)}–${b.macroF1.high?.toFixed(3)}]` : ''}`,
          `Run folder: ${out}  (report.html, report.md, metrics.json, figures/, checkpoints/best, config.json)`,
          `Total ${summary.seconds.toFixed(0)} s; training ${summary.training.trainSeconds.toFixed(0)} s at ${summary.training.imagesPerSecond.toFixed(1)} images/s.`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
});

export default train;
