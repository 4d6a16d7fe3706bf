import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { FpdbError, createRng, type LabelSpace, type Normalization, type ResizePolicy } from '@fpdb/schema';
import type { BackendChoice } from '../backend/setup-backend.js';
import { checkpointExists, restoreCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import type { CheckpointLabels, PretrainedSource, TrainingState } from '../checkpoint/metadata.js';
import type { Model } from '../model/create-model.js';
import { disposeBatch, type ArrayData, type BatchSource } from './batch.js';
import { evaluate, labelsOf, scores, toSource } from './evaluate.js';
import { planFineTune, underPrefix, type FineTuneOptions } from './fine-tune.js';
import { localEngine, type GradientEngine, type StepTimeline } from './internal/gradient-engine.js';
import { learningRateAt, type LearningRateSchedule } from './learning-rate.js';
import { smoothTargets } from './loss.js';
import { createOptimizer, type OptimizerConfig } from './optimizer.js';
import { parallelEngine } from './parallel/parallel-engine.js';
import { prefetchBatches } from './parallel/prefetch-batches.js';
import { assertTrainingFits, stepBackend } from '../backend/training-memory.js';
import { resolveAutoWorkers } from '../backend/auto-workers.js';

/** What one epoch reports. */
export interface EpochLog {
  /** 0-based. */
  epoch: number;
  /** Mean training loss (with label smoothing and class weights, without the L2 term). */
  loss: number;
  /** Training accuracy and macro-F1 from the training-mode predictions of the epoch. */
  accuracy: number;
  macroF1: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  /** Learning rate of the epoch's last step. */
  learningRate: number;
  steps: number;
  samples: number;
  /** Wall-clock seconds of the epoch (training + validation). */
  seconds: number;
  /** Whether this epoch is the best so far (validation macro-F1, or training macro-F1 without validation). */
  best: boolean;
}

/** Per-step report. */
export interface StepLog {
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  globalStep: number;
  /** Mean loss of the batch. */
  loss: number;
  learningRate: number;
  batchSize: number;
  /** With `workers`: where the step's time went (the main thread's share and each worker's phases). */
  timeline?: StepTimeline;
}

/** Options of {@link train}. */
export interface TrainOptions {
  model: Model;
  /** Training batches per epoch (e.g. from @fpdb/loader), or in-memory arrays. */
  train: BatchSource | ArrayData;
  validation?: BatchSource | ArrayData;
  epochs: number;
  /** Default 'adam'. */
  optimizer?: OptimizerConfig | 'adam' | 'sgd';
  /** Default 1e-3. */
  learningRate?: LearningRateSchedule;
  /** L2 coefficient λ: adds λ·θ to the gradient of every kernel (not biases or batch norm). Default 0. */
  weightDecay?: number;
  /** Label smoothing ε in [0, 1). Default 0. */
  labelSmoothing?: number;
  /** Loss weight per class index (e.g. inverse frequency); the loss is Σ w_y·CE / B. */
  classWeights?: ArrayLike<number>;
  /** Rescale the gradient when its global L2 norm exceeds this. */
  clipNorm?: number;
  /** Stop after `patience` epochs without a macro-F1 gain larger than `minDelta` (default 0). */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Writes `<dir>/last` after every epoch (for resume) and `<dir>/best` at every new best. */
  checkpointDir?: string;
  /** Continue from `<checkpointDir>/last` if it exists (same model config, label space and optimizer). */
  resume?: boolean;
  /** Seed of dropout masks and of nothing else here: shuffling belongs to the source. Default 0. */
  seed?: number;
  /** The label space (names in index order) recorded in checkpoints. Default: class indices as names. */
  labels?: LabelSpace | CheckpointLabels | readonly string[];
  /** Recorded in checkpoints so `predict` on image files preprocesses the same way. Default 'unit'. */
  normalization?: Normalization;
  /** Recorded in checkpoints. Default 'stretch'. */
  resize?: ResizePolicy;
  /**
   * Data-parallel training over this many worker threads, each with its own backend (default: none, this
   * thread). 'auto': one per available core, capped by the batch size and the wasm heap estimate
   * (`resolveAutoWorkers`, resolved at the first batch; 1 trains in this thread); {@link TrainResult.workers}
   * says what it chose. The workers sum their gradients and update the weights in shared memory; `model`
   * (and the optimizer state) are brought up to date at the end of every epoch and when train() ends.
   * On wasm, a shard larger than one heap takes runs in micro-batches whose gradients add up (batch norm
   * then normalises each micro-batch, as it does each worker's shard).
   */
  workers?: number | 'auto';
  /** Backend of the workers (default 'auto': wasm when it loads). */
  workerBackend?: BackendChoice;
  /** Fine-tuning a pretrained model: a frozen backbone for the first epochs, then a lower backbone learning rate. */
  fineTune?: FineTuneOptions;
  /** Where the starting weights came from, recorded in checkpoints (`importPretrained` gives it). */
  pretrained?: PretrainedSource;
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
  onStepEnd?: (log: StepLog) => void | Promise<void>;
  /** Stops the run at the next step boundary with FPDB_ABORTED. */
  signal?: AbortSignal;
}

/** What {@link train} returns. */
export interface TrainResult {
  history: EpochLog[];
  bestEpoch: number | null;
  /** Best validation macro-F1 (training macro-F1 without validation). */
  bestScore: number | null;
  stoppedEarly: boolean;
  epochsDone: number;
  globalStep: number;
  /** Epoch the run resumed after, or null for a fresh run. */
  resumedFrom: number | null;
  /** Threads that computed the gradients: the (resolved) `workers`, or 1 for this thread. */
  workers: number;
}

function labelsOption(option: TrainOptions['labels'], numClasses: number): CheckpointLabels {
  if (option === undefined) return { task: null, classes: Array.from({ length: numClasses }, (_, i) => String(i)) };
  if (Array.isArray(option)) return { task: null, classes: [...(option as readonly string[])] };
  const o = option as LabelSpace | CheckpointLabels;
  return { task: o.task ?? null, classes: [...o.classes] };
}

function validate(o: TrainOptions): void {
  const bad = (what: string, value: unknown): never => {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `train: ${what} (got ${JSON.stringify(value)}).`, { details: { value } });
  };
  if (!Number.isInteger(o.epochs) || o.epochs < 1) bad('epochs must be a positive integer', o.epochs);
  const ls = o.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls < 1)) bad('labelSmoothing must be in [0, 1)', ls);
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0)) bad('weightDecay must be ≥ 0', o.weightDecay);
  if (o.classWeights && o.classWeights.length !== o.model.config.numClasses) {
    bad(`classWeights needs one weight per class (${o.model.config.numClasses})`, Array.from(o.classWeights));
  }
  if (o.resume && !o.checkpointDir) bad('resume needs checkpointDir', o.resume);
  if (o.earlyStopping && !(o.earlyStopping.patience >= 1)) bad('earlyStopping.patience must be ≥ 1', o.earlyStopping.patience);
  if (o.workers !== undefined && o.workers !== 'auto' && !(Number.isInteger(o.workers) && o.workers >= 1)) bad("workers must be a positive integer or 'auto'", o.workers);
}

/**
 * Trains a model: per epoch, every batch of `train` → forward/backward → optimizer step; then
 * validation; reports loss, accuracy and macro-F1 to `onEpochEnd`; keeps the best checkpoint by
 * validation macro-F1 and the last one for `resume`. The batches' tensors are disposed here.
 *
 * @throws FpdbError FPDB_DIVERGED when a loss or gradient is NaN/Inf (the last good checkpoint stays);
 *   FPDB_CHECKPOINT_MISMATCH when resuming into another architecture/label space/optimizer;
 *   FPDB_INVALID_ARGUMENT / FPDB_SHAPE for bad options or batches; FPDB_ABORTED when `signal` fires.
 * @example
 * const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: 128 });
 * const result = await train({ model, train: (epoch) => loader.epoch(epoch), validation, epochs: 10,
 *   learningRate: { base: 1e-3, schedule: 'cosine', warmupSteps: 100 }, checkpointDir: 'runs/cnn' });
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  validate(options);
  const { model, epochs } = options;
  const k = model.config.numClasses;
  const labels = labelsOption(options.labels, k);
  if (labels.classes.length !== k) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `train: the label space has ${labels.classes.length} classes but the model outputs ${k}.`, { details: { value: labels.classes } });
  }
  const seed = options.seed ?? 0;
  const schedule = options.learningRate ?? 1e-3;
  const smoothing = options.labelSmoothing ?? 0;
  const decay = options.weightDecay ?? 0;
  const fineTune = options.fineTune ? planFineTune(options.fineTune, model.trainableNames) : undefined;
  const trainSource = toSource(options.train);
  const optimizer = createOptimizer(options.optimizer ?? 'adam');
  const lastDir = options.checkpointDir ? join(options.checkpointDir, 'last') : undefined;
  const bestDir = options.checkpointDir ? join(options.checkpointDir, 'best') : undefined;

  let state: TrainingState = { epochsDone: 0, globalStep: 0, bestEpoch: null, bestScore: null, sinceBest: 0, history: [] };
  let resumedFrom: number | null = null;
  if (options.resume && lastDir) {
    if (await checkpointExists(lastDir)) {
      const restored = await restoreCheckpoint(lastDir, model, labels.classes);
      if (!restored.metadata.training) {
        throw new FpdbError('FPDB_CHECKPOINT', `${lastDir} has no training state; it cannot be resumed.`, { details: { file: lastDir } });
      }
      state = restored.metadata.training;
      if (restored.optimizer) optimizer.setState(restored.optimizer);
      resumedFrom = state.epochsDone - 1;
    }
  }
  const history = state.history as EpochLog[];
  // Built at the first batch: workers: 'auto' depends on its size.
  let workers = options.workers === 'auto' ? undefined : options.workers;
  let engine: GradientEngine | undefined;
  const engineFor = async (batch: number): Promise<GradientEngine> => {
    if (options.workers === 'auto') {
      const auto = resolveAutoWorkers({ model, batch, backend: stepBackend(2, options.workerBackend) });
      workers = auto.workers > 1 ? auto.workers : undefined;
    }
    return workers ? parallelEngine(model, optimizer, { workers, backend: options.workerBackend ?? 'auto' }) : localEngine(model, optimizer);
  };
  const weightsTensor = options.classWeights ? Float32Array.from(options.classWeights) : undefined;
  let stoppedEarly = false;
  const save = async (dir: string, epoch: number, metrics: Record<string, number>, withTraining: boolean): Promise<void> => {
    await saveCheckpoint(dir, {
      model,
      labels,
      normalization: options.normalization ?? 'unit',
      resize: options.resize ?? 'stretch',
      seed,
      epoch,
      metrics,
      ...(options.pretrained ? { pretrained: options.pretrained } : {}),
      ...(withTraining ? { optimizer: optimizer.getState(), training: { ...state, history } } : {}),
    });
  };

  try {
    for (let epoch = state.epochsDone; epoch < epochs; epoch++) {
      if (options.earlyStopping && state.sinceBest >= options.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
      const started = performance.now();
      const epochLabels: number[] = [];
      const epochPreds: number[] = [];
      let lossSum = 0;
      let steps = 0;
      let lr = learningRateAt(schedule, { epoch, epochs, globalStep: state.globalStep });
      // Fine-tuning: the head alone while the backbone is frozen, then the backbone at its own rate.
      const headOnly = fineTune && epoch < fineTune.freezeEpochs ? fineTune.head : undefined;
      const rateOf = (base: number) =>
        fineTune && fineTune.backboneLearningRateMultiplier !== 1 ? (name: string) => (underPrefix(name, fineTune.head) ? base : base * fineTune.backboneLearningRateMultiplier) : base;
      // With workers, the next batch is prepared on this thread while they compute.
      for await (const batch of options.workers ? prefetchBatches(trainSource(epoch)) : trainSource(epoch)) {
        const step = steps + 1;
        try {
          if (options.signal?.aborted) {
            throw new FpdbError('FPDB_ABORTED', `Training was aborted at epoch ${epoch + 1}, step ${step}; the last checkpoint is ${lastDir ?? 'not kept (no checkpointDir)'}.`);
          }
          const images = batch.images;
          if (images.rank !== 4 || images.shape[3] !== 1) {
            throw new FpdbError('FPDB_SHAPE', `Batch ${step} of epoch ${epoch + 1} has images [${images.shape.join(', ')}]; expected [B, H, W, 1].`, { details: { value: images.shape } });
          }
          const y = labelsOf(batch.labels);
          if (y.length !== images.shape[0]) {
            throw new FpdbError('FPDB_LENGTH_MISMATCH', `Batch ${step} of epoch ${epoch + 1} has ${images.shape[0]} images but ${y.length} labels.`);
          }
          if (batch.imageData && batch.imageData.length !== images.size) {
            throw new FpdbError(
              'FPDB_SHAPE',
              `Batch ${step} of epoch ${epoch + 1} has imageData of ${batch.imageData.length} floats for images [${images.shape.join(', ')}] (${images.size}); leave it out or pass the same values.`,
              {
                details: { value: batch.imageData.length },
              },
            );
          }
          // A step that would exhaust the wasm heap even one image at a time aborts its thread: refuse it (larger shards run in micro-batches).
          engine ??= await engineFor(images.shape[0]);
          assertTrainingFits(model, images.shape[0], { ...(workers ? { workers } : {}), backend: stepBackend(workers, options.workerBackend) });
          lr = learningRateAt(schedule, { epoch, epochs, globalStep: state.globalStep });
          const targets = tf.tidy(() => smoothTargets(tf.tensor1d(y, 'int32'), k, smoothing, batch.oneHot));
          const sampleWeights = weightsTensor ? tf.tensor1d(Float32Array.from(y, (c) => weightsTensor[c]!)) : undefined;
          const stepSeed = createRng(seed)
            .fork(state.globalStep)
            .int(2 ** 31);
          let result;
          try {
            // Gradients, weight decay, the global norm (also catching NaN/Inf), clipping, the optimizer update.
            result = await engine.step(
              { images, ...(batch.imageData ? { imageData: batch.imageData } : {}), targets, ...(sampleWeights ? { sampleWeights } : {}), seed: stepSeed, ...(headOnly ? { headOnly } : {}) },
              { learningRate: rateOf(lr), weightDecay: decay, ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}) },
            );
          } finally {
            tf.dispose([targets, ...(sampleWeights ? [sampleWeights] : [])]);
          }
          const { norm } = result;
          if (!result.applied) {
            throw new FpdbError(
              'FPDB_DIVERGED',
              `Training diverged at epoch ${epoch + 1}, step ${step} (global step ${state.globalStep + 1}): the ${Number.isFinite(result.lossSum) ? 'gradient norm' : 'loss'} is ${Number.isFinite(result.lossSum) ? norm : result.lossSum / y.length}. ` +
                `${lastDir ? `The last good checkpoint is ${lastDir} (epoch ${state.epochsDone}).` : 'No checkpoint was kept (no checkpointDir).'} Lower the learning rate, add warm-up or clipNorm.`,
              { details: { epoch: epoch + 1, step, globalStep: state.globalStep + 1, value: result.lossSum } },
            );
          }
          state.globalStep += 1;
          steps = step;
          lossSum += result.lossSum;
          epochLabels.push(...y);
          epochPreds.push(...result.predictions);
          await options.onStepEnd?.({
            epoch,
            step,
            globalStep: state.globalStep,
            loss: result.lossSum / y.length,
            learningRate: lr,
            batchSize: y.length,
            ...(result.timeline ? { timeline: result.timeline } : {}),
          });
        } finally {
          disposeBatch(batch);
        }
      }
      // Workers keep the weights in shared memory: the model gets them before validation and checkpoints.
      engine?.sync();
      if (steps === 0) {
        throw new FpdbError('FPDB_EMPTY', `The training source gave no batches for epoch ${epoch + 1}.`, { details: { epoch: epoch + 1 } });
      }
      const trainScores = scores(Int32Array.from(epochLabels), Int32Array.from(epochPreds), k);
      const log: EpochLog = {
        epoch,
        loss: lossSum / epochLabels.length,
        accuracy: trainScores.accuracy,
        macroF1: trainScores.macroF1,
        learningRate: lr,
        steps,
        samples: epochLabels.length,
        seconds: 0,
        best: false,
      };
      if (options.validation) {
        const v = await evaluate(model, options.validation, { epoch });
        log.valLoss = v.loss;
        log.valAccuracy = v.accuracy;
        log.valMacroF1 = v.macroF1;
      }
      const score = log.valMacroF1 ?? log.macroF1;
      const minDelta = options.earlyStopping?.minDelta ?? 0;
      if (state.bestScore === null || score > state.bestScore + minDelta) {
        state.bestScore = score;
        state.bestEpoch = epoch;
        state.sinceBest = 0;
        log.best = true;
      } else {
        state.sinceBest += 1;
      }
      log.seconds = (performance.now() - started) / 1000;
      history.push(log);
      state.epochsDone = epoch + 1;
      const metrics = Object.fromEntries(Object.entries(log).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
      if (log.best && bestDir) await save(bestDir, epoch, metrics, false);
      if (lastDir) await save(lastDir, epoch, metrics, true);
      await options.onEpochEnd?.(log);
    }
  } finally {
    try {
      engine?.sync();
    } finally {
      optimizer.dispose();
      await engine?.close();
    }
  }
  return { history, bestEpoch: state.bestEpoch, bestScore: state.bestScore, stoppedEarly, epochsDone: state.epochsDone, globalStep: state.globalStep, resumedFrom, workers: workers ?? 1 };
}
