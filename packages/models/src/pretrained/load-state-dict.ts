import { FpdbError } from '@fpdb/schema';
import type { Model } from '../model/create-model.js';
import { toFpdbLayout } from './convert-tensor.js';
import { keyMappings, STATE_DICT_LAYOUTS, type KeyMapping, type StateDictLayout } from './state-dict-layouts.js';

/** One tensor of a state dict as the weights readers return it (row-major float32 values). */
export interface StateDictTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Tensors by state-dict key, or an object holding them (what `readWeights` returns). */
export type StateDict = ReadonlyMap<string, StateDictTensor> | { readonly tensors: ReadonlyMap<string, StateDictTensor> };

/** Options of {@link loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * Load the file's classifier too (default false: the model keeps its freshly initialised head, and
   * the file's classifier tensors are ignored). With true the model's numClasses must equal the file's.
   */
  keepClassifier?: boolean;
  /** Key layout of the file (default 'auto': the layout that matches the most keys, torchvision first). */
  layout?: StateDictLayout | 'auto';
}

/** What {@link loadStateDict} did. */
export interface LoadedStateDict {
  /** The layout the keys were read in. For resnet and densenet timm's keys are torchvision's: reported as 'torchvision'. */
  layout: StateDictLayout;
  /** fpdb parameter names assigned from the file, in definition order. */
  loaded: string[];
  /** State-dict keys read but not assigned (the file's classifier when `keepClassifier` is false). */
  ignored: string[];
  /** Whether a multi-channel (RGB) stem was folded onto the model's 1-channel input. */
  foldedStem: boolean;
}

// torchvision's DenseNet loader still accepts the keys of its first release (`norm.1`, `conv.2`); so do we.
const LEGACY_DENSENET_KEY = /^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/;

function normaliseKeys(tensors: ReadonlyMap<string, StateDictTensor>): Map<string, { key: string; tensor: StateDictTensor }> {
  const keys = [...tensors.keys()];
  // nn.DataParallel / DistributedDataParallel save every key under `module.`.
  const strip = keys.length > 0 && keys.every((k) => k.startsWith('module.')) ? 'module.'.length : 0;
  const out = new Map<string, { key: string; tensor: StateDictTensor }>();
  for (const [key, tensor] of tensors) {
    if (key.endsWith('num_batches_tracked')) continue;
    out.set(key.slice(strip).replace(LEGACY_DENSENET_KEY, '$1$2'), { key, tensor });
  }
  return out;
}

interface Match {
  layout: StateDictLayout;
  mappings: KeyMapping[];
  missing: string[];
  unexpected: string[];
  ignored: string[];
}

function match(layout: StateDictLayout, mappings: KeyMapping[], keys: ReadonlySet<string>, keepClassifier: boolean): Match {
  const wanted = new Set(mappings.filter((m) => keepClassifier || !m.classifier).map((m) => m.key));
  const classifierKeys = new Set(mappings.filter((m) => m.classifier).map((m) => m.key));
  const ignored = keepClassifier ? [] : [...keys].filter((k) => classifierKeys.has(k));
  return {
    layout,
    mappings,
    missing: [...wanted].filter((k) => !keys.has(k)),
    unexpected: [...keys].filter((k) => !wanted.has(k) && !ignored.includes(k)),
    ignored,
  };
}

const few = (keys: readonly string[], n = 4): string => keys.slice(0, n).join(', ') + (keys.length > n ? `, … (${keys.length} in all)` : '');
const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Loads a PyTorch state dict (torchvision's or timm's keys) into an fpdb model built from the same
 * network, e.g. `createModel(presetConfig('resnet50', { numClasses: 6 }))`. Conv kernels go OIHW → HWIO,
 * depthwise [C, 1, kh, kw] → [kh, kw, C, 1], linear [out, in] → [in, out], batch norm
 * weight/bias/running_mean/running_var → gamma/beta/movingMean/movingVariance (`num_batches_tracked` is
 * ignored), and the RGB stem is summed over its input channels, so a gray image gives exactly the logits
 * the RGB network gives for that image on 3 channels. Either every tensor is checked and assigned, or
 * none is (the model is unchanged on error).
 * @param tensors state dict: key → { shape, data } (float32, row-major), or `readWeights`' result.
 * @throws FpdbError FPDB_WEIGHTS_LAYOUT when the keys do not match the model in any layout (names a few
 *   missing and unexpected keys and the layouts tried), or for a model with no PyTorch counterpart
 *   (reference-cnn); FPDB_SHAPE when a tensor's shape differs from the model's (names the tensor and both shapes).
 * @example
 * const model = createModel(presetConfig('densenet121', { numClasses: 6 }));
 * const { layout, foldedStem } = loadStateDict(model, readWeights(bytes)); // 'torchvision', true
 */
export function loadStateDict(model: Model, tensors: StateDict, options: LoadStateDictOptions = {}): LoadedStateDict {
  const source = 'tensors' in tensors && !(tensors instanceof Map) ? tensors.tensors : (tensors as ReadonlyMap<string, StateDictTensor>);
  const keepClassifier = options.keepClassifier ?? false;
  const requested = options.layout ?? 'auto';
  const byKey = normaliseKeys(source);
  const keys = new Set(byKey.keys());
  const layouts = requested === 'auto' ? STATE_DICT_LAYOUTS : [requested];
  const matches = layouts.map((layout) => match(layout, keyMappings(model.config, layout), keys, keepClassifier));
  // Fewest problems wins; ties go to the earlier layout (resnet and densenet map alike in both).
  const best = matches.reduce((a, b) => (b.missing.length + b.unexpected.length < a.missing.length + a.unexpected.length ? b : a));
  if (best.missing.length > 0 || best.unexpected.length > 0) {
    const problems = [
      best.missing.length > 0 ? `${best.missing.length} missing key(s) (${few(best.missing)})` : '',
      best.unexpected.length > 0 ? `${best.unexpected.length} unexpected key(s) (${few(best.unexpected)})` : '',
    ].filter(Boolean);
    const classifierKeys = new Set(best.mappings.filter((m) => m.classifier).map((m) => m.key));
    const next =
      best.unexpected.length === 0 && best.missing.every((k) => classifierKeys.has(k))
        ? 'The file has no classifier: pass { keepClassifier: false } to train a fresh head.'
        : "Build the model with the preset of the file's network (e.g. presetConfig('resnet50', { numClasses }) for resnet50 weights), or pass the file's layout as { layout }.";
    throw new FpdbError(
      'FPDB_WEIGHTS_LAYOUT',
      `The state dict (${keys.size} tensors) does not match this ${model.config.architecture} model: in the closest layout, ${best.layout}, it has ${problems.join(' and ')}. ` +
        `Tried layouts: ${layouts.join(', ')}. ${next}`,
      { details: { value: best.layout, missing: best.missing, unexpected: best.unexpected, layouts: [...layouts] } },
    );
  }
  const values = new Map<string, Float32Array>();
  const mismatches: { key: string; name: string; shape: readonly number[]; expected: number[] }[] = [];
  let foldedStem = false;
  for (const m of best.mappings) {
    if (m.classifier && !keepClassifier) continue;
    const { key, tensor } = byKey.get(m.key)!;
    const converted = toFpdbLayout(m.role, m.shape, tensor);
    if ('expected' in converted) {
      mismatches.push({ key, name: m.name, shape: tensor.shape, expected: converted.expected });
    } else {
      values.set(m.name, converted.values);
      foldedStem ||= converted.folded;
    }
  }
  if (mismatches.length > 0) {
    const first = mismatches[0]!;
    const classifier = best.mappings.find((m) => m.name === first.name)?.classifier ?? false;
    const next = classifier
      ? `Build the model with numClasses: ${first.shape[0]} to keep the file's classifier, or pass { keepClassifier: false } for a fresh head.`
      : `Build the model with the preset of the file's network (e.g. presetConfig('resnet18', { numClasses })).`;
    const more =
      mismatches.length > 1
        ? ` (${mismatches.length - 1} more tensor(s) differ: ${few(
            mismatches.slice(1).map((x) => x.key),
            3,
          )})`
        : '';
    throw new FpdbError('FPDB_SHAPE', `Tensor ${first.key} is ${dims(first.shape)} in the state dict but the model's ${first.name} needs ${dims(first.expected)} (PyTorch order)${more}. ${next}`, {
      details: { value: first.key, parameter: first.name, shape: [...first.shape], expected: first.expected, mismatches: mismatches.map((x) => x.key) },
    });
  }
  model.setWeights(values);
  return { layout: best.layout, loaded: [...values.keys()], ignored: best.ignored.map((k) => byKey.get(k)!.key), foldedStem };
}
