import { FpdbError, parsePreprocess } from '@fpdb/schema';
import type { ModelConfig } from '../architectures/config.js';
import { resolveConfig } from '../architectures/resolve-config.js';
import { createModel, type Model } from '../model/create-model.js';
import { resolveOptimizerConfig, type OptimizerState, type ResolvedOptimizerConfig } from '../training/optimizer.js';
import type { CheckpointReader } from './checkpoint-reader.js';
import { checkpointPreprocess, type CheckpointMetadata } from './metadata.js';
import { readWeightsManifest, type NamedWeights } from './weights-manifest.js';

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = {
  model: 'model.json',
  shard: 'group1-shard1of1.bin',
  metadata: 'fpdb.json',
  optimizer: 'optimizer.json',
  optimizerShard: 'optimizer-shard1of1.bin',
} as const;

/** A checkpoint read back. */
export interface LoadedCheckpoint {
  /** A new model with the saved weights; the caller owns and disposes it. */
  model: Model;
  metadata: CheckpointMetadata;
  optimizer?: OptimizerState;
}

/** Expectations checked by `loadCheckpoint` / `restoreCheckpoint`. */
export interface CheckpointExpectations {
  /** The architecture the caller wants (compared with defaults filled in). */
  config?: ModelConfig;
  /** The label space the caller wants, in order. */
  classes?: readonly string[];
}

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
 * Parses and checks a checkpoint's `fpdb.json`: an fpdb checkpoint of version 1 whose recorded
 * preprocessing (inputSize, resize, normalization) is valid.
 * @param file where the text came from, for messages.
 * @throws FpdbError FPDB_CHECKPOINT when it is not JSON, not an fpdb checkpoint, or records an invalid preprocessing.
 */
export function parseCheckpointMetadata(text: string, file: string): CheckpointMetadata {
  let metadata: CheckpointMetadata;
  try {
    metadata = JSON.parse(text) as CheckpointMetadata;
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot parse ${file}: ${(cause as Error).message}.`, { cause, details: { file } });
  }
  if (metadata?.format !== 'fpdb-checkpoint' || metadata.version !== 1) {
    throw new FpdbError('FPDB_CHECKPOINT', `${file} is not an fpdb checkpoint (format ${JSON.stringify(metadata?.format)}, version ${JSON.stringify(metadata?.version)}).`, { details: { file } });
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

/** Reads and checks `fpdb.json` through `reader`. */
export async function readMetadataWith(reader: CheckpointReader): Promise<CheckpointMetadata> {
  const bytes = (await reader.read(CHECKPOINT_FILES.metadata))!;
  return parseCheckpointMetadata(new TextDecoder().decode(bytes), reader.locate(CHECKPOINT_FILES.metadata));
}

async function readOptimizer(reader: CheckpointReader, metadata: CheckpointMetadata): Promise<OptimizerState | undefined> {
  // fpdb saves optimizer state with a run's training state only (its `last` checkpoint): a `best` one served
  // over HTTP is not asked for files it never has.
  if (reader.remote && metadata.training === undefined) return undefined;
  // Read once here and handed to the manifest reader, so a URL is fetched only once.
  const json = await reader.read(CHECKPOINT_FILES.optimizer, true);
  if (json === undefined) return undefined;
  const once: CheckpointReader = { where: reader.where, locate: (n) => reader.locate(n), read: (n, o) => (n === CHECKPOINT_FILES.optimizer ? Promise.resolve(json) : reader.read(n, o)) };
  const { manifest, weights } = await readWeightsManifest(once, CHECKPOINT_FILES.optimizer);
  const topo = manifest.modelTopology as { optimizer: ResolvedOptimizerConfig; step: number };
  return { config: resolveOptimizerConfig(topo.optimizer), step: topo.step, slots: new Map(weights.map((w) => [w.name, w.values])) };
}

function assignWeights(model: Model, weights: readonly NamedWeights[], where: string): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const missing = model.specs.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `The checkpoint ${where} lacks ${missing.length} weights of this architecture (first: ${missing[0]}).`, {
      details: { file: where, value: missing },
    });
  }
  // Element-wise, not by count: a [3, 2] kernel saved as [2, 3] is another network.
  for (const spec of model.specs) {
    const saved = byName.get(spec.name)!.shape;
    if (saved.length !== spec.shape.length || saved.some((d, i) => d !== spec.shape[i])) {
      throw new FpdbError(
        'FPDB_SHAPE',
        `Weight ${spec.name} in ${where} has the shape [${saved.join(', ')}] but the architecture needs [${spec.shape.join(', ')}]. The checkpoint belongs to another network.`,
        {
          details: { file: where, value: spec.name, shape: saved, expected: spec.shape },
        },
      );
    }
  }
  model.setWeights(new Map(model.specs.map((s) => [s.name, byName.get(s.name)!.values])));
}

/**
 * Reads a whole checkpoint through `reader` into a new model built from its own config: metadata
 * (checked against `expect`), weights (shapes, NaN/Inf refused) and the optimizer state when present.
 * The one reader behind every `loadCheckpoint` source (folder, URL, bytes).
 * @param where the checkpoint as the caller named it, for messages.
 * @throws FpdbError FPDB_CHECKPOINT for a missing/corrupt checkpoint; FPDB_CHECKPOINT_MISMATCH when `expect` differs; FPDB_SHAPE.
 */
export async function readCheckpoint(reader: CheckpointReader, expect: CheckpointExpectations = {}, where = reader.where): Promise<LoadedCheckpoint> {
  const metadata = await readMetadataWith(reader);
  checkCheckpoint(metadata, expect, where);
  const { weights } = await readWeightsManifest(reader, CHECKPOINT_FILES.model);
  const model = createModel(metadata.config);
  try {
    assignWeights(model, weights, where);
  } catch (e) {
    model.dispose();
    throw e;
  }
  let optimizer: OptimizerState | undefined;
  try {
    optimizer = await readOptimizer(reader, metadata);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, metadata, ...(optimizer ? { optimizer } : {}) };
}

/**
 * Reads a checkpoint's weights through `reader` into an existing model (same architecture and label space required).
 * @throws FpdbError FPDB_CHECKPOINT_MISMATCH when the architecture or classes differ; FPDB_CHECKPOINT; FPDB_SHAPE.
 */
export async function readCheckpointInto(
  reader: CheckpointReader,
  model: Model,
  classes: readonly string[] | undefined,
  where = reader.where,
): Promise<{ metadata: CheckpointMetadata; optimizer?: OptimizerState }> {
  const metadata = await readMetadataWith(reader);
  checkCheckpoint(metadata, { config: model.config, ...(classes ? { classes } : {}) }, where);
  const { weights } = await readWeightsManifest(reader, CHECKPOINT_FILES.model);
  assignWeights(model, weights, where);
  const optimizer = await readOptimizer(reader, metadata);
  return { metadata, ...(optimizer ? { optimizer } : {}) };
}
