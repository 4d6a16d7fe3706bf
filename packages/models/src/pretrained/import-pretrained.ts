import { FpdbError, IMAGENET_GRAY_NORMALIZATION, type Normalization } from '@fpdb/schema';
import type { LoadedCheckpoint } from '../checkpoint/read-checkpoint.js';
import type { PretrainedSource } from '../checkpoint/metadata.js';
import type { ModelConfig } from '../architectures/config.js';
import { createModel, type Model } from '../model/create-model.js';
import { underPrefix } from '../training/fine-tune.js';
import { readWeights } from '../weights/read-weights.js';
import { loadStateDict, type LoadedStateDict } from './load-state-dict.js';
import { presetConfig, type PresetConfig, type PretrainedPresetName } from './presets.js';

/** Options of {@link importPretrained}. */
export interface ImportPretrainedOptions {
  /**
   * The network the weights belong to: its torchvision/timm name (`resnet18`, `mobilenet_v2`, …), or a family
   * config of the same layout (e.g. a narrower ResNet; `numClasses` and `inputSize` come from these options).
   * Not needed for an fpdb checkpoint folder.
   */
  architecture?: PretrainedPresetName | 'mobilenet_v2' | (string & {}) | PresetConfig;
  /** Classes of the new head. Default: the file's (e.g. 1000) when `keepClassifier`, else required. */
  numClasses?: number;
  /** Keep the file's classifier (ImageNet's 1,000 classes) instead of a freshly initialised head. Default false. */
  keepClassifier?: boolean;
  /** Input height and width (a number: square). Default 224, or the checkpoint's. */
  inputSize?: number | [number, number];
  /** Seed of the new head's initialisation. Default 0. */
  seed?: number;
  /** A name for messages and the model card (default: the file name, or the preset). */
  name?: string;
}

/** A model with pretrained weights, and where they came from. */
export type PretrainedModel = Model & {
  /** What a checkpoint's and a report's model card record: name, source, sha256, format, network. */
  readonly pretrained: PretrainedSource;
  /** How the weights expect pixels: ImageNet's statistics made gray, or the checkpoint's own normalisation. */
  readonly normalization: Normalization;
  /** How the state dict was mapped (layout, folded stem, ignored keys); absent for an fpdb checkpoint. */
  readonly loaded?: LoadedStateDict;
};

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Weights read from somewhere, before parsing: their bytes, where from (for the model card) and a file name. */
export interface PretrainedBytes {
  bytes: Uint8Array;
  where: string;
  name: string;
}

const baseName = (s: string): string => s.split(/[\\/]/).filter(Boolean).pop() ?? s;

/** Fetches a weights file; relative URLs resolve against the page (`globalThis.location`). */
export async function fetchPretrained(source: string | URL): Promise<PretrainedBytes> {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(String(source), base);
  } catch (cause) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${JSON.stringify(String(source))} is not a URL. Pass the weights' URL or their bytes (@fpdb/models/node also takes a path).`, {
      cause,
      details: { value: String(source) },
    });
  }
  const text = url.href;
  let response: Response;
  try {
    response = await fetch(text, { redirect: 'follow' });
  } catch (cause) {
    throw new FpdbError('FPDB_NETWORK', `Cannot fetch ${text}: ${(cause as Error).message}. Download the file (fpdb weights pull) and pass its path.`, { cause, details: { value: text } });
  }
  if (!response.ok)
    throw new FpdbError('FPDB_DOWNLOAD', `${text} answered HTTP ${response.status}. Check the URL, or download the file and pass its path.`, { details: { value: text, status: response.status } });
  return { bytes: new Uint8Array(await response.arrayBuffer()), where: text, name: baseName(url.pathname) };
}

/**
 * A new model of a loaded checkpoint's network with its weights, except the classifier when the
 * classes differ. Disposes `saved`'s model. `shard` is the weights shard's bytes (hashed for the model card).
 */
export async function pretrainedFromCheckpoint(saved: LoadedCheckpoint, shard: Uint8Array, source: string, options: ImportPretrainedOptions): Promise<PretrainedModel> {
  const { model: savedModel, metadata } = saved;
  try {
    const numClasses = options.keepClassifier ? savedModel.config.numClasses : options.numClasses;
    if (numClasses === undefined) throw new FpdbError('FPDB_INVALID_ARGUMENT', `importPretrained needs numClasses for the new head (or keepClassifier: true).`);
    const { numClasses: _k, inputSize, ...rest } = savedModel.config;
    const model = createModel({ ...rest, numClasses, inputSize: options.inputSize ?? inputSize } as ModelConfig, { seed: options.seed ?? 0 });
    // Everything but the head (fine-tuning's default head), which stays freshly initialised unless kept.
    model.setWeights(new Map([...savedModel.getWeights()].filter(([name]) => options.keepClassifier || !underPrefix(name, ['classifier']))));
    const pretrained: PretrainedSource = {
      name: options.name ?? `${metadata.config.architecture} (${metadata.labels.task ?? 'custom'}, epoch ${(metadata.epoch ?? -1) + 1})`,
      source,
      sha256: await sha256(shard),
      format: 'fpdb-checkpoint',
      architecture: metadata.pretrained?.architecture ?? metadata.config.architecture,
    };
    return Object.assign(model, { pretrained, normalization: metadata.normalization });
  } finally {
    savedModel.dispose();
  }
}

/**
 * A model with pretrained weights: a safetensors file (Hugging Face / timm) or a PyTorch `.pth` (torchvision),
 * read without Python and mapped into fpdb's network of that name — RGB stem folded to gray, a fresh head of
 * `numClasses` unless `keepClassifier`. The caller owns the model. Fine-tune it with `train({ fineTune })`, recording
 * `model.pretrained`, and preprocess with `model.normalization` (ImageNet's statistics made gray).
 * Browser-safe; `@fpdb/models/node`'s `importPretrained` also takes a path or an fpdb checkpoint folder.
 * @param source the file's URL (fetched; relative to the page in a browser) or its bytes.
 * @throws FpdbError FPDB_WEIGHTS_FORMAT (not a weights file, truncated), FPDB_WEIGHTS_UNSAFE (a pickle global
 *   outside the allow-list), FPDB_WEIGHTS_LAYOUT (keys of another network), FPDB_SHAPE (a tensor's shape),
 *   FPDB_CONFIG (unknown architecture), FPDB_INVALID_ARGUMENT (no numClasses), FPDB_NETWORK / FPDB_DOWNLOAD (fetching).
 * @example
 * const model = await importPretrained(new Uint8Array(await file.arrayBuffer()), { architecture: 'resnet18', numClasses: 6, name: file.name });
 */
export async function importPretrained(source: string | URL | Uint8Array, options: ImportPretrainedOptions = {}): Promise<PretrainedModel> {
  return pretrainedFromBytes(source instanceof Uint8Array ? { bytes: source, where: 'bytes', name: 'weights' } : await fetchPretrained(source), options);
}

/** {@link importPretrained} of weights already read. */
export async function pretrainedFromBytes(read: PretrainedBytes, options: ImportPretrainedOptions): Promise<PretrainedModel> {
  const name = options.name ?? read.name;
  if (options.architecture === undefined) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `importPretrained needs the network of ${name}: pass { architecture: 'resnet18' } (or resnet34, resnet50, densenet121, densenet169, mobilenetv2_100).`,
      {
        details: { file: read.where },
      },
    );
  }
  const weights = readWeights(read.bytes, { name });
  const numClasses = options.numClasses ?? (options.keepClassifier ? 1000 : undefined);
  if (numClasses === undefined) throw new FpdbError('FPDB_INVALID_ARGUMENT', `importPretrained needs numClasses for the new head (or keepClassifier: true for ImageNet's).`);
  const inputSize = options.inputSize ?? 224;
  const config = typeof options.architecture === 'string' ? presetConfig(options.architecture, { numClasses, inputSize }) : ({ ...options.architecture, numClasses, inputSize } as ModelConfig);
  const model = createModel(config, { seed: options.seed ?? 0 });
  let loaded: LoadedStateDict;
  try {
    loaded = loadStateDict(model, weights, { keepClassifier: options.keepClassifier ?? false });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const architecture = typeof options.architecture === 'string' ? options.architecture : options.architecture.architecture;
  const pretrained: PretrainedSource = { name, source: read.where, sha256: await sha256(read.bytes), format: weights.format, architecture };
  return Object.assign(model, { pretrained, normalization: { ...IMAGENET_GRAY_NORMALIZATION }, loaded });
}
