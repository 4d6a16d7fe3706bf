import { readFile } from 'node:fs/promises';
import { FpdbError, isFpdbError, type Task } from '@fpdb/schema';
import type { CliCommand, CommandContext } from '../command.js';
import { DEFAULT_CONFIG, experimentReporter, resolveExperimentConfig, runExperiment, type ExperimentConfig } from '@fpdb/experiment';

const d = DEFAULT_CONFIG;

async function configFrom({ values }: CommandContext): Promise<ExperimentConfig> {
  let base: Partial<ExperimentConfig> = {};
  if (typeof values.config === 'string') {
    try {
      base = JSON.parse(await readFile(values.config, 'utf8')) as Partial<ExperimentConfig>;
    } catch (cause) {
      throw new FpdbError('FPDB_CONFIG', `Could not read the config ${values.config}: ${(cause as Error).message}. Pass a JSON file such as a run folder's config.json.`, { cause, details: { file: values.config } });
    }
  }
  const num = (key: string): number | undefined => {
    const v = values[key];
    if (typeof v !== 'string') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new FpdbError('FPDB_USAGE', `--${key} expects a number; got ${JSON.stringify(v)}.`);
    return n;
  };
  const str = (key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const over: Partial<ExperimentConfig> = {};
  const data = str('data') ?? (process.env.FPDB_DATA || undefined);
  if (data) over.data = data;
  if (str('task')) over.task = str('task') as Task;
  if (str('out')) over.out = str('out');
  if (str('architecture')) over.architecture = str('architecture') as ExperimentConfig['architecture'];
  if (str('resize')) over.resize = str('resize') as ExperimentConfig['resize'];
  if (str('optimizer')) over.optimizer = str('optimizer') as ExperimentConfig['optimizer'];
  if (str('backend')) over.backend = str('backend') as ExperimentConfig['backend'];
  if (str('augment')) {
    const a = str('augment')!;
    over.augment = a === 'default' || a === 'none' ? a : (JSON.parse(await readFile(a, 'utf8')) as Record<string, unknown>);
  }
  if (str('class-weights')) over.classWeights = str('class-weights') as ExperimentConfig['classWeights'];
  if (str('sampling')) over.sampling = str('sampling') as ExperimentConfig['sampling'];
  if (str('hold-out-machine')) over.testSplit = { kind: 'hold-out', key: 'usMachine', values: str('hold-out-machine')!.split(',') as never };
  if (str('hold-out-operator')) over.testSplit = { kind: 'hold-out', key: 'operator', values: str('hold-out-operator')!.split(',') as never };
  if (str('train-machines')) over.trainMachines = str('train-machines')!.split(',') as never;
  const k = num('k-fold');
  if (k !== undefined) over.testSplit = { kind: 'k-fold', k, fold: num('fold') ?? 0 };
  const numbers: [string, keyof ExperimentConfig][] = [
    ['epochs', 'epochs'],
    ['batch-size', 'batchSize'],
    ['input-size', 'inputSize'],
    ['learning-rate', 'learningRate'],
    ['warmup-steps', 'warmupSteps'],
    ['label-smoothing', 'labelSmoothing'],
    ['weight-decay', 'weightDecay'],
    ['validation-fraction', 'validationFraction'],
    ['workers', 'workers'],
    ['bootstrap', 'bootstrapResamples'],
    ['seed', 'seed'],
    ['early-stopping', 'earlyStoppingPatience'],
  ];
  for (const [flag, key] of numbers) {
    const n = num(flag);
    if (n !== undefined) (over as Record<string, unknown>)[key] = n;
  }
  const synthImages = num('synth-images');
  if (synthImages !== undefined) over.synth = { ...d.synth, ...base.synth, images: synthImages };
  if (values.resume) over.resume = true;
  return resolveExperimentConfig({ ...base, ...over });
}

const train: CliCommand = {
  name: 'train',
  summary: 'Train and evaluate a plane classifier; writes a run folder with report.html, metrics and the checkpoint.',
  usage: [
    'Usage: fpdb train [--data DIR] [options]',
    '',
    'Without --data (or FPDB_DATA) it trains on a synthetic FETAL_PLANES_DB generated once and cached.',
    'Patient-level validation split from train; best epoch by validation macro-F1; evaluated on the test split.',
    '',
    'Options (defaults in brackets):',
    `  --data DIR                release folder (CSV + Images/); missing images are skipped and counted`,
    `  --config FILE             JSON config (e.g. a run's config.json); flags override it`,
    `  --out DIR                 run folder [${d.out}]`,
    `  --task T                  planes | brain | fine [${d.task}]`,
    `  --architecture A          reference-cnn | resnet | mobilenet-v2 | densenet [${d.architecture}]`,
    `  --epochs N [${d.epochs}]   --batch-size N [${d.batchSize}]   --input-size N [${d.inputSize}]   --resize stretch|pad|crop [${d.resize}]`,
    `  --optimizer adam|sgd [${d.optimizer}]   --learning-rate X [${d.learningRate}]   --warmup-steps N [${d.warmupSteps}]`,
    `  --label-smoothing X [${d.labelSmoothing}]   --weight-decay X [${d.weightDecay}]   --early-stopping PATIENCE`,
    `  --class-weights none|balanced [${d.classWeights}]   --sampling sequential|balanced [${d.sampling}]`,
    `  --augment default|none|FILE.json [${d.augment}]`,
    `  --validation-fraction X [${d.validationFraction}]   --hold-out-machine "Voluson S10,Other"   --hold-out-operator "Op. 3"`,
    '  --train-machines "Aloka,Voluson E6"   train only on these machines; the report adds an in-domain/shifted breakdown',
    '  --k-fold K --fold I       test on fold I (0-based) of a K-fold split by patient of the official train set',
    `  --backend auto|wasm|cpu [${d.backend}]   --workers N [${d.workers}] (data-parallel worker threads; 0 = main thread)`,
    `  --bootstrap N [${d.bootstrapResamples}]   --seed N [${d.seed}]   --synth-images N [${d.synth.images}]`,
    '  --resume                  continue from <out>/checkpoints/last after an interruption',
    '  --json                    print one JSON object: run folder, test metrics, training summary',
    '',
    'Ctrl-C stops after the current step; the last checkpoint is kept (resume with --resume).',
  ].join('\n'),
  options: {
    data: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
    task: { type: 'string' },
    architecture: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'input-size': { type: 'string' },
    resize: { type: 'string' },
    optimizer: { type: 'string' },
    'learning-rate': { type: 'string' },
    'warmup-steps': { type: 'string' },
    'label-smoothing': { type: 'string' },
    'weight-decay': { type: 'string' },
    'early-stopping': { type: 'string' },
    'class-weights': { type: 'string' },
    sampling: { type: 'string' },
    augment: { type: 'string' },
    'validation-fraction': { type: 'string' },
    'hold-out-machine': { type: 'string' },
    'hold-out-operator': { type: 'string' },
    'train-machines': { type: 'string' },
    'k-fold': { type: 'string' },
    fold: { type: 'string' },
    backend: { type: 'string' },
    workers: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    'synth-images': { type: 'string' },
    resume: { type: 'boolean', default: false },
  },
  async run(context) {
    if (context.positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb train takes no positional arguments (got ${context.positionals.join(' ')}); use --data DIR.`);
    const config = await configFrom(context);
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
        `${JSON.stringify({ out, report: `${out}/report.html`, checkpoint: `${out}/checkpoints/best`, test: { n: e.n, ...e.summary, bootstrap: e.bootstrap }, training: { ...summary.training, history: summary.training.history }, seconds: summary.seconds })}\n`,
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
};

export default train;
