import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FpdbError, type Normalization, type ResizePolicy } from '@fpdb/schema';
import type { Model } from '../model/create-model.js';
import type { OptimizerState } from '../training/optimizer.js';
import type { CheckpointFiles, CheckpointReader } from './checkpoint-reader.js';
import { sourceReader } from './load-checkpoint.js';
import type { CheckpointLabels, CheckpointMetadata, PretrainedSource, TrainingState } from './metadata.js';
import { CHECKPOINT_FILES, parseCheckpointMetadata, readCheckpoint, readCheckpointInto, type CheckpointExpectations, type LoadedCheckpoint } from './read-checkpoint.js';
import { writeWeightsFiles } from './weights-file.js';

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
  /** Optimizer state, for `resume` (saved with `training`: a checkpoint loaded from a URL reads it only then). */
  optimizer?: OptimizerState;
  training?: TrainingState;
}

let counter = 0;

const VERSION = '0.1.0';

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
  const file = join(await resolveDir(dir), CHECKPOINT_FILES.metadata);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot read ${file}: ${(cause as Error).message}.`, { cause, details: { file } });
  }
  return parseCheckpointMetadata(text, file);
}

/** The checkpoint in folder `dir` (already resolved by {@link resolveDir}); messages name `shown`. */
function folderReader(dir: string, shown: string): CheckpointReader {
  return {
    where: shown,
    locate: (name) => join(dir, name),
    async read(name, optional = false) {
      const file = join(dir, name);
      try {
        const bytes = await readFile(file);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (cause) {
        if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new FpdbError(
          'FPDB_CHECKPOINT',
          name === CHECKPOINT_FILES.model || name === CHECKPOINT_FILES.metadata
            ? `Cannot read ${file}: ${(cause as Error).message}. Is ${shown} a checkpoint folder written by @fpdb/models?`
            : `Weight shard ${file} of the checkpoint ${shown} is missing or unreadable: ${(cause as Error).message}.`,
          { cause, details: { file } },
        );
      }
    },
  };
}

/**
 * Loads a checkpoint into a new model built from its own config, from a folder (a path, or a `file:`
 * URL), an http(s) URL of a checkpoint folder, or the files' bytes ({@link CheckpointFiles}). A folder
 * whose save was killed mid-swap resolves to the previous checkpoint kept aside.
 * @returns the model (the caller owns and disposes it), the metadata, and the optimizer state when saved.
 * @throws FpdbError FPDB_CHECKPOINT for a missing/corrupt checkpoint; FPDB_CHECKPOINT_MISMATCH when `expect` differs;
 *   FPDB_SHAPE; FPDB_PATH_ESCAPE for a shard outside the folder; FPDB_NETWORK for a failed request.
 * @example const { model, metadata } = await loadCheckpoint('runs/a/best', { classes: labelSpace('planes').classes });
 */
export async function loadCheckpoint(source: string | URL | CheckpointFiles, expect: CheckpointExpectations = {}): Promise<LoadedCheckpoint> {
  const dir = typeof source === 'string' ? source : source instanceof URL && source.protocol === 'file:' ? fileURLToPath(source) : undefined;
  if (dir === undefined) return readCheckpoint(sourceReader(source), expect);
  return readCheckpoint(folderReader(await resolveDir(dir), dir), expect);
}

/**
 * Loads a checkpoint's weights into an existing model (same architecture and label space required).
 * @throws FpdbError FPDB_CHECKPOINT_MISMATCH when the architecture or classes differ.
 */
export async function restoreCheckpoint(dir: string, model: Model, classes?: readonly string[]): Promise<{ metadata: CheckpointMetadata; optimizer?: OptimizerState }> {
  return readCheckpointInto(folderReader(await resolveDir(dir), dir), model, classes);
}
