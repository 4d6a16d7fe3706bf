import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FpdbError, parsePreprocess, type Normalization, type ResizePolicy } from '@fpdb/schema';
import type { ModelConfig } from '../architectures/config.js';
import { resolveConfig } from '../architectures/resolve-config.js';
import { createModel, type Model } from '../model/create-model.js';
import { resolveOptimizerConfig, type OptimizerState, type ResolvedOptimizerConfig } from '../training/optimizer.js';
import { checkpointPreprocess, type CheckpointLabels, type CheckpointMetadata, type PretrainedSource, type TrainingState } from './metadata.js';
import { readWeightsFiles, writeWeightsFiles } from './weights-file.js';

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = {
  model: 'model.json',
  shard: 'group1-shard1of1.bin',
  metadata: 'fpdb.json',
  optimizer: 'optimizer.json',
  optimizerShard: 'optimizer-shard1of1.bin',
} as const;

/** What {@link saveCheckpoint} writes besides the weights. */
export interface SaveCheckpointOptions {
  model: Model;
  labels: CheckpointLabels;
  normalization?: Normalization;
  resize?: ResizePolicy;
  seed?: number;
  epoch?: number | null;
  metrics?: Record<string, number>;
  /** Where the starting weights came from (fine-tuning). */
  pretrained?: PretrainedSource;
  /** Optimizer state, for `resume`. */
  optimizer?: OptimizerState;
  training?: TrainingState;
}

/** A checkpoint read back. */
export interface LoadedCheckpoint {
  /** A new model with the saved weights; the caller owns and disposes it. */
  model: Model;
  metadata: CheckpointMetadata;
  optimizer?: OptimizerState;
}

/** Expectations checked by {@link loadCheckpoint} / {@link restoreCheckpoint}. */
export interface CheckpointExpectations {
  /** The architecture the caller wants (compared with defaults filled in). */
  config?: ModelConfig;
  /** The label space the caller wants, in order. */
  classes?: readonly string[];
}

let counter = 0;

const VERSION = '0.1.0';

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Writes a checkpoint folder atomically: `model.json` + `group1-shard1of1.bin` (tfjs weightsManifest
 * layout, format `fpdb-weights`), `fpdb.json` (metadata) and, with `optimizer`, `optimizer.json` +
 * shard. The files go to a temporary sibling folder that then replaces `dir`, so a killed process
 * leaves either the old or the new checkpoint, never a mix.
 * @throws FpdbError FPDB_CHECKPOINT when the folder cannot be written.
 * @example await saveCheckpoint('runs/a/best', { model, labels: { task: 'planes', classes: [...labelSpace('planes').classes] } });
 */
export async function saveCheckpoint(dir: string, options: SaveCheckpointOptions): Promise<CheckpointMetadata> {
  const { model } = options;
  if (options.labels.classes.length !== model.config.numClasses) {
    throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `The label space has ${options.labels.classes.length} classes but the model outputs ${model.config.numClasses}.`, {
      details: { value: options.labels.classes },
    });
  }
  const metadata: CheckpointMetadata = {
    format: 'fpdb-checkpoint',
    version: 1,
    config: model.config,
    labels: { task: options.labels.task, classes: [...options.labels.classes] },
    inputSize: model.config.inputSize,
    normalization: options.normalization ?? 'unit',
    resize: options.resize ?? 'stretch',
    seed: options.seed ?? 0,
    epoch: options.epoch ?? null,
    metrics: options.metrics ?? {},
    ...(options.pretrained ? { pretrained: options.pretrained } : {}),
    ...(options.training ? { training: options.training } : {}),
    createdAt: new Date().toISOString(),
    generatedBy: `@fpdb/models ${VERSION}`,
  };
  const parent = dirname(dir);
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}-${counter++}`);
  try {
    await mkdir(tmp, { recursive: true });
    const values = model.getWeights();
    await writeWeightsFiles(
      tmp,
      CHECKPOINT_FILES.model,
      CHECKPOINT_FILES.shard,
      'fpdb-weights',
      model.specs.map((s) => ({ name: s.name, shape: s.shape, values: values.get(s.name)! })),
      { fpdb: { config: model.config } },
    );
    if (options.optimizer) {
      const opt = options.optimizer;
      await writeWeightsFiles(
        tmp,
        CHECKPOINT_FILES.optimizer,
        CHECKPOINT_FILES.optimizerShard,
        'fpdb-optimizer',
        [...opt.slots].map(([name, v]) => ({ name, shape: [v.length], values: v })),
        { optimizer: opt.config, step: opt.step },
      );
    }
    await writeFile(join(tmp, CHECKPOINT_FILES.metadata), `${JSON.stringify(metadata, null, 2)}\n`);
    const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}-${counter++}`);
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (exists) await rename(dir, old);
    await rename(tmp, dir);
    if (exists) await rm(old, { recursive: true, force: true });
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (cause instanceof FpdbError) throw cause;
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot write the checkpoint ${dir}: ${(cause as Error).message}. Check that the folder is writable and the disk has space.`, {
      cause,
      details: { file: dir },
    });
  }
  return metadata;
}

/** The folder to read: `dir`, or the previous checkpoint kept aside if a save was killed mid-swap. */
async function resolveDir(dir: string): Promise<string> {
  if (
    await stat(join(dir, CHECKPOINT_FILES.metadata)).then(
      () => true,
      () => false,
    )
  )
    return dir;
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.old-`;
  // Names are `<prefix><pid>-<ms>-<counter>`: the newest is the largest (ms, counter), whatever the pid's length.
  const when = (name: string): [number, number] => {
    const [, ms = 0, n = 0] = name.slice(prefix.length).split('-').map(Number);
    return [ms, n];
  };
  const olds = (await readdir(parent).catch(() => [] as string[])).filter((n) => n.startsWith(prefix)).sort((a, b) => when(a)[0] - when(b)[0] || when(a)[1] - when(b)[1]);
  const last = olds.at(-1);
  if (last) return join(parent, last);
  throw new FpdbError(
    'FPDB_CHECKPOINT',
    `No checkpoint at ${dir} (no ${CHECKPOINT_FILES.metadata}). Pass a checkpoint folder, e.g. <run>/checkpoints/best (written by fpdb train, or by saveCheckpoint).`,
    {
      details: { file: dir },
    },
  );
}

/** Whether `dir` holds a checkpoint (or the kept-aside previous one of a killed save). */
export async function checkpointExists(dir: string): Promise<boolean> {
  return resolveDir(dir).then(
    () => true,
    () => false,
  );
}

/**
 * Reads a checkpoint's `fpdb.json` only.
 * @throws FpdbError FPDB_CHECKPOINT when missing or not an fpdb checkpoint.
 */
export async function readCheckpointMetadata(dir: string): Promise<CheckpointMetadata> {
  const real = await resolveDir(dir);
  const file = join(real, CHECKPOINT_FILES.metadata);
  let metadata: CheckpointMetadata;
  try {
    metadata = JSON.parse(await readFile(file, 'utf8')) as CheckpointMetadata;
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot parse ${file}: ${(cause as Error).message}.`, { cause, details: { file } });
  }
  if (metadata.format !== 'fpdb-checkpoint' || metadata.version !== 1) {
    throw new FpdbError('FPDB_CHECKPOINT', `${file} is not an fpdb checkpoint (format ${JSON.stringify(metadata.format)}, version ${JSON.stringify(metadata.version)}).`, { details: { file } });
  }
  try {
    parsePreprocess(
      checkpointPreprocess({ inputSize: Array.isArray(metadata.inputSize) ? metadata.inputSize : [Number.NaN, Number.NaN], resize: metadata.resize, normalization: metadata.normalization }),
    );
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `${file} records an invalid preprocessing (inputSize, resize, normalization): ${(cause as Error).message}`, { cause, details: { file } });
  }
  return metadata;
}

/**
 * Throws when a checkpoint's architecture or label space differs from what the caller expects.
 * @throws FpdbError FPDB_CHECKPOINT_MISMATCH naming the first difference.
 */
export function checkCheckpoint(metadata: CheckpointMetadata, expect: CheckpointExpectations, where: string): void {
  if (expect.config) {
    const want = resolveConfig(expect.config);
    // Resolved again, so a checkpoint written before a family gained an option (ResNet's `block`) compares by its defaults.
    const saved = resolveConfig(metadata.config);
    if (stableStringify(want) !== stableStringify(saved)) {
      const keys = new Set([...Object.keys(want), ...Object.keys(saved)]);
      const diff = [...keys].find((k) => stableStringify((want as never)[k]) !== stableStringify((saved as never)[k]));
      throw new FpdbError(
        'FPDB_CHECKPOINT_MISMATCH',
        `The checkpoint ${where} holds a different architecture: ${diff} is ${stableStringify((saved as never)[diff!])} there but ${stableStringify((want as never)[diff!])} here. Use the same model config, or load the checkpoint without { config } to get its own model.`,
        { details: { file: where, value: diff } },
      );
    }
  }
  if (expect.classes) {
    const saved = metadata.labels.classes;
    if (saved.length !== expect.classes.length || saved.some((c, i) => c !== expect.classes![i])) {
      throw new FpdbError(
        'FPDB_CHECKPOINT_MISMATCH',
        `The checkpoint ${where} was trained on the label space [${saved.join(', ')}] (task ${metadata.labels.task ?? 'custom'}) but [${expect.classes.join(', ')}] was asked for. Use the same task and class order.`,
        { details: { file: where, value: saved } },
      );
    }
  }
}

async function readOptimizer(dir: string): Promise<OptimizerState | undefined> {
  if (
    !(await stat(join(dir, CHECKPOINT_FILES.optimizer)).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const { manifest, weights } = await readWeightsFiles(dir, CHECKPOINT_FILES.optimizer);
  const topo = manifest.modelTopology as { optimizer: ResolvedOptimizerConfig; step: number };
  return { config: resolveOptimizerConfig(topo.optimizer), step: topo.step, slots: new Map(weights.map((w) => [w.name, w.values])) };
}

/**
 * Loads a checkpoint into a new model built from its own config.
 * @throws FpdbError FPDB_CHECKPOINT for a missing/corrupt checkpoint; FPDB_CHECKPOINT_MISMATCH when `expect` differs.
 * @example const { model, metadata } = await loadCheckpoint('runs/a/best', { classes: labelSpace('planes').classes });
 */
export async function loadCheckpoint(dir: string, expect: CheckpointExpectations = {}): Promise<LoadedCheckpoint> {
  const real = await resolveDir(dir);
  const metadata = await readCheckpointMetadata(real);
  checkCheckpoint(metadata, expect, dir);
  const { weights } = await readWeightsFiles(real, CHECKPOINT_FILES.model);
  const model = createModel(metadata.config);
  try {
    assignWeights(model, weights, dir);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const optimizer = await readOptimizer(real);
  return { model, metadata, ...(optimizer ? { optimizer } : {}) };
}

/**
 * Loads a checkpoint's weights into an existing model (same architecture and label space required).
 * @throws FpdbError FPDB_CHECKPOINT_MISMATCH when the architecture or classes differ.
 */
export async function restoreCheckpoint(dir: string, model: Model, classes?: readonly string[]): Promise<{ metadata: CheckpointMetadata; optimizer?: OptimizerState }> {
  const real = await resolveDir(dir);
  const metadata = await readCheckpointMetadata(real);
  checkCheckpoint(metadata, { config: model.config, ...(classes ? { classes } : {}) }, dir);
  const { weights } = await readWeightsFiles(real, CHECKPOINT_FILES.model);
  assignWeights(model, weights, dir);
  const optimizer = await readOptimizer(real);
  return { metadata, ...(optimizer ? { optimizer } : {}) };
}

function assignWeights(model: Model, weights: { name: string; shape: number[]; values: Float32Array }[], dir: string): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const missing = model.specs.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `The checkpoint ${dir} lacks ${missing.length} weights of this architecture (first: ${missing[0]}).`, { details: { file: dir, value: missing } });
  }
  // Element-wise, not by count: a [3, 2] kernel saved as [2, 3] is another network.
  for (const spec of model.specs) {
    const saved = byName.get(spec.name)!.shape;
    if (saved.length !== spec.shape.length || saved.some((d, i) => d !== spec.shape[i])) {
      throw new FpdbError(
        'FPDB_SHAPE',
        `Weight ${spec.name} in ${dir} has the shape [${saved.join(', ')}] but the architecture needs [${spec.shape.join(', ')}]. The checkpoint belongs to another network.`,
        {
          details: { file: dir, value: spec.name, shape: saved, expected: spec.shape },
        },
      );
    }
  }
  model.setWeights(new Map(model.specs.map((s) => [s.name, byName.get(s.name)!.values])));
}
