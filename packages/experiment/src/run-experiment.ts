import { cpus, platform, release, totalmem } from 'node:os';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asLoaderHook, pipelineFromJSON, ultrasoundDefaults } from '@fpdb/augment';
import { buildCache, createBatches } from '@fpdb/loader/node';
import { tensorBatches } from '@fpdb/loader/tfjs';
import { reportToMarkdown } from '@fpdb/metrics';
import { formatSummary, restoreCheckpoint, setupBackend, summarize, train, type Batch, type EpochLog, type StepLog } from '@fpdb/models/node';
import { formatNormalization, type FpdbRecord, type LabelSpace } from '@fpdb/schema';
import { experimentPreprocess, type ExperimentConfig } from './experiment-config.js';
import { experimentData, sizeOf, type DataEvent } from './experiment-data.js';
import { evaluateSetWithPredictions } from './evaluate-set.js';
import { writeGallery } from './gallery.js';
import { dataKindOf } from './data-kind.js';
import { reportHtml, runFigures } from './report-html.js';
import { runMarkdown } from './report-md.js';
import type { HistoryRow, RunSummary } from './run-summary.js';
import { resolveConfigPaths } from './config-paths.js';
import { checkResume } from './resume-check.js';
import { repairRunFolder } from './run-folder-repair.js';
import { lockRunFolder } from './run-lock.js';
import { PREDICTIONS_FILE, runPredictions } from './run-predictions.js';
import { startingModel } from './starting-model.js';

/** What a run reports while it works: phases, data preparation, and step/epoch progress during training. */
export type ExperimentEvent =
  | DataEvent
  | { kind: 'cache'; done: number; total: number }
  | { kind: 'step'; epoch: number; epochs: number; step: number; steps: number; loss: number }
  | { kind: 'epoch'; log: EpochLog; epochs: number };

/** What {@link runExperiment} returns: the run folder and its summary. */
export interface ExperimentResult {
  out: string;
  summary: RunSummary;
}

function classWeights(records: readonly FpdbRecord[], space: LabelSpace): number[] {
  const counts = space.classes.map(() => 0);
  for (const r of records) counts[space.labelOf(r)]! += 1;
  return counts.map((k) => (k === 0 ? 0 : records.length / (space.classes.length * k)));
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * Runs a full experiment: data (synthetic when `config.data` is absent) → patient-level split with a
 * validation carve-out → cached, augmented batches → training (data-parallel workers), keeping the best
 * epoch by validation macro-F1 → test evaluation with patient-bootstrap intervals and per-machine /
 * per-operator breakdowns → a run folder: report.html, report.md, metrics.json, predictions.json (per-image
 * test probabilities, for `compareRuns`), figures/*.svg, gallery/*.png (examples and confident errors with
 * Grad-CAM), checkpoints/{best,last}, config.json.
 * @throws FpdbError from any stage, naming the file or option at fault; FPDB_ABORTED when `signal` fires
 *   (the last checkpoint is kept: rerun with `resume: true`).
 */
export async function runExperiment(config: ExperimentConfig, options: { onEvent?: (e: ExperimentEvent) => void; signal?: AbortSignal } = {}): Promise<ExperimentResult> {
  const resolved = resolveConfigPaths(config);
  await mkdir(resolved.out, { recursive: true });
  // One run per folder at a time: two would overwrite each other's checkpoints and reports.
  const release = await lockRunFolder(resolved.out);
  try {
    return await runInFolder(resolved, options);
  } finally {
    await release();
  }
}

/** {@link runExperiment} once its folder is held: paths resolved, `config.out` created. */
async function runInFolder(config: ExperimentConfig, options: { onEvent?: (e: ExperimentEvent) => void; signal?: AbortSignal }): Promise<ExperimentResult> {
  const onEvent = options.onEvent ?? (() => {});
  const started = Date.now();
  const out = config.out;
  // What a killed run left half-written goes first, so this run neither reads nor keeps it.
  await repairRunFolder(out);
  if (config.resume) await checkResume(out, config);

  const data = await experimentData(config, onEvent, options.signal);
  const { space } = data;
  const backend = await setupBackend({ backend: config.backend });
  const start = await startingModel(config, space, onEvent, options.signal);
  const model = start.model;
  let trainStream: Awaited<ReturnType<typeof createBatches>> | undefined;
  let validationStream: Awaited<ReturnType<typeof createBatches>> | undefined;
  try {
    // A checkpoint's own normalisation carries over to its fine-tuning; config.json records what was used.
    if (config.normalization === undefined && start.normalization !== undefined) config = { ...config, normalization: start.normalization };
    await writeAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    const pipeline = config.augment === 'none' ? undefined : config.augment === 'default' ? ultrasoundDefaults() : pipelineFromJSON(config.augment as never);
    const cacheProgress = (p: { done: number; total: number }) => onEvent({ kind: 'cache', done: p.done, total: p.total });
    const preprocess = experimentPreprocess(config);
    const pixels = { ...preprocess, cache: 'build' as const, task: config.task };
    onEvent({ kind: 'phase', message: `Preparing pixels (${preprocess.height}×${preprocess.width}, ${preprocess.policy}; cached for later runs)` });
    // One cache over every image of the folder, so train, validation, test and later runs (any task) decode nothing.
    const built = await buildCache(data.all, { height: preprocess.height, width: preprocess.width, policy: preprocess.policy, onError: 'skip', onProgress: cacheProgress, signal: options.signal });
    // Images the cache could not decode leave every set now, counted, so no epoch or the final evaluation meets them.
    const undecodable = new Set(built.skipped.map((s) => String(s.value)));
    if (undecodable.size > 0) {
      const keep = { where: (r: FpdbRecord) => !undecodable.has(r.imageName) };
      Object.assign(data, { dataset: data.dataset.filter(keep), train: data.train.filter(keep), validation: data.validation.filter(keep), test: data.test.filter(keep) });
      onEvent({
        kind: 'phase',
        message: `${undecodable.size} image(s) could not be decoded and are left out of training and evaluation: ${[...undecodable].slice(0, 5).join(', ')}${undecodable.size > 5 ? ', …' : ''}`,
      });
    }
    const stream = (set: typeof data.train, augment: boolean) =>
      createBatches(set, {
        ...pixels,
        batchSize: augment ? config.batchSize : 64,
        seed: config.seed,
        shuffle: augment,
        // Drop a ragged last batch only when at least one full batch remains.
        dropLast: augment && set.size >= config.batchSize,
        sampling: augment ? config.sampling : 'sequential',
        prefetch: 2,
        augment: augment && pipeline ? asLoaderHook(pipeline, { numClasses: space.classes.length }) : undefined,
        onProgress: cacheProgress,
        signal: options.signal,
      });
    trainStream = await stream(data.train, true);
    validationStream = await stream(data.validation, false);
    const checkpointDir = join(out, 'checkpoints');
    const steps = trainStream.batchesPerEpoch;
    const batchesOf = (s: NonNullable<typeof trainStream>, epoch: number) => tensorBatches(s.epoch(epoch)) as AsyncIterable<Batch>;
    onEvent({
      kind: 'phase',
      message: `Training ${config.architecture} (${model.paramCount().total.toLocaleString('en')} parameters) on ${data.train.size} images for ${config.epochs} epochs, ${backend.backend}${config.workers === 'auto' ? ', workers: one per core' : config.workers ? ` × ${config.workers} workers` : ''}`,
    });
    const trainStarted = Date.now();
    const result = await train({
      model,
      train: (epoch) => batchesOf(trainStream!, epoch),
      validation: () => batchesOf(validationStream!, 0),
      epochs: config.epochs,
      optimizer: config.optimizer,
      learningRate: { base: config.learningRate, schedule: 'cosine', warmupSteps: config.warmupSteps },
      labelSmoothing: config.labelSmoothing,
      weightDecay: config.weightDecay,
      classWeights: config.classWeights === 'balanced' ? classWeights(data.train.records, space) : undefined,
      earlyStopping: config.earlyStoppingPatience ? { patience: config.earlyStoppingPatience } : undefined,
      checkpointDir,
      resume: config.resume,
      seed: config.seed,
      labels: space,
      normalization: preprocess.normalization,
      resize: preprocess.policy,
      workers: config.workers === 'auto' || config.workers > 0 ? config.workers : undefined,
      workerBackend: config.backend,
      ...(start.pretrained ? { pretrained: start.pretrained, fineTune: { freezeEpochs: config.freezeEpochs, backboneLearningRateMultiplier: config.backboneLrMultiplier } } : {}),
      signal: options.signal,
      onStepEnd: (s: StepLog) => onEvent({ kind: 'step', epoch: s.epoch, epochs: config.epochs, step: s.step, steps, loss: s.loss }),
      onEpochEnd: (log: EpochLog) => onEvent({ kind: 'epoch', log, epochs: config.epochs }),
    });
    const trainSeconds = (Date.now() - trainStarted) / 1000;

    onEvent({ kind: 'phase', message: `Evaluating the best epoch (${(result.bestEpoch ?? 0) + 1}) on ${data.test.size} test images` });
    await restoreCheckpoint(join(checkpointDir, 'best'), model, space.classes);
    const { evaluation, predictions } = await evaluateSetWithPredictions(model, data.test, space, preprocess, {
      bootstrapResamples: config.bootstrapResamples,
      seed: config.seed,
      split: 'test',
      trainMachines: config.trainMachines,
      onProgress: cacheProgress,
      signal: options.signal,
    });

    const history: HistoryRow[] = result.history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.loss,
      trainAccuracy: h.accuracy,
      trainMacroF1: h.macroF1,
      valLoss: h.valLoss,
      valAccuracy: h.valAccuracy,
      valMacroF1: h.valMacroF1,
      learningRate: h.learningRate,
      seconds: h.seconds,
      best: h.epoch === result.bestEpoch,
    }));
    const trainedImages = result.history.reduce((s, h) => s + h.samples, 0);
    const cpu = cpus();
    const finished = Date.now();
    // The marker, not how the folder was passed, decides: a synthetic folder given with --data is still synthetic.
    const dataKind = await dataKindOf(data.root);
    const summary: RunSummary = {
      title: `fpdb run: ${config.architecture} on ${dataKind === 'release' ? 'FETAL_PLANES_DB' : 'synthetic FETAL_PLANES_DB'} (${config.task})`,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      seconds: (finished - started) / 1000,
      data: { kind: dataKind, root: data.root, stats: data.dataset.stats(), missingSkipped: data.missingSkipped, undecodableSkipped: undecodable.size, split: data.splitDescription },
      task: config.task,
      classes: [...space.classes],
      splits: { train: sizeOf(data.train.records, space), validation: sizeOf(data.validation.records, space), test: sizeOf(data.test.records, space) },
      model: {
        architecture: config.architecture,
        parameters: model.paramCount().total,
        inputSize: config.inputSize,
        summary: formatSummary(summarize(model.config)),
        normalization: formatNormalization(preprocess.normalization),
        resize: config.resize,
        ...(start.pretrained ? { pretrained: { ...start.pretrained, freezeEpochs: config.freezeEpochs, backboneLrMultiplier: config.backboneLrMultiplier } } : {}),
      },
      training: {
        epochs: config.epochs,
        epochsDone: result.epochsDone,
        bestEpoch: result.bestEpoch,
        imagesPerSecond: trainSeconds > 0 ? trainedImages / trainSeconds : 0,
        trainSeconds,
        backend: backend.backend + (backend.simd ? ' (SIMD)' : ''),
        workers: result.workers,
        augmentation: pipeline ? pipeline.toJSON() : 'none',
        optimizer: config.optimizer,
        learningRate: config.learningRate,
        batchSize: config.batchSize,
        history,
      },
      seed: config.seed,
      machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, platform: `${platform()} ${release()}` },
      evaluation,
    };
    // A few images per class and the worst errors: at most 2·K + 6 Grad-CAM passes, whatever the test set's size.
    summary.gallery = await writeGallery(model, predictions, { root: data.root, out, classes: space.classes, preprocess });

    const figures = runFigures(summary);
    await rm(join(out, 'figures'), { recursive: true, force: true });
    await mkdir(join(out, 'figures'), { recursive: true });
    for (const [name, svg] of Object.entries(figures)) await writeAtomic(join(out, 'figures', `${name}.svg`), svg);
    const { summary: _layers, ...modelFacts } = summary.model;
    await writeAtomic(join(out, 'metrics.json'), `${JSON.stringify({ test: evaluation, training: summary.training, splits: summary.splits, data: summary.data, model: modelFacts }, null, 2)}\n`);
    await writeAtomic(join(out, PREDICTIONS_FILE), `${JSON.stringify(runPredictions(predictions, space.classes, { split: 'test', task: config.task }))}\n`);
    await writeAtomic(join(out, 'report.md'), runMarkdown(summary, reportToMarkdown(evaluation, { title: 'Test set' })));
    await writeAtomic(join(out, 'report.html'), reportHtml(summary, figures));
    onEvent({ kind: 'phase', message: `Wrote ${join(out, 'report.html')}` });
    return { out, summary };
  } finally {
    model.dispose();
    await Promise.all([trainStream?.close(), validationStream?.close()]);
  }
}
