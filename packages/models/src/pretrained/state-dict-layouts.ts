import { FpdbError } from '@fpdb/schema';
import type { ModelConfig, ResolvedConfig } from '../architectures/config.js';
import { resolveConfig } from '../architectures/resolve-config.js';
import { traceConfig } from '../model/create-model.js';
import type { SummaryRow } from '../model/types.js';

/**
 * How a PyTorch state dict names its tensors. 'torchvision': `torchvision.models` (`conv1.weight`,
 * `features.denseblock1.denselayer1.norm1.weight`, `features.0.0.weight`). 'timm': pytorch-image-models;
 * its `resnet*` and `densenet*` use torchvision's keys, its `mobilenetv2_*` its own (`conv_stem`,
 * `blocks.i.j.conv_pw`, `conv_head`, `classifier`).
 */
export type StateDictLayout = 'torchvision' | 'timm';

/** The layouts, in the order {@link loadStateDict} tries them. */
export const STATE_DICT_LAYOUTS: readonly StateDictLayout[] = Object.freeze(['torchvision', 'timm'] as const);

/** How a tensor's values are laid out in PyTorch relative to fpdb. */
export type TensorRole = 'conv' | 'depthwise' | 'dense' | 'vector';

/** One fpdb parameter and the state-dict tensor that holds it. */
export interface KeyMapping {
  /** fpdb parameter name, e.g. `layer1.0.conv1.kernel`. */
  name: string;
  /** State-dict key, e.g. `layer1.0.conv1.weight`. */
  key: string;
  role: TensorRole;
  /** fpdb shape of the parameter. */
  shape: number[];
  /** Part of the classifier (kept or left fresh by {@link loadStateDict}'s `keepClassifier`). */
  classifier: boolean;
}

/** fpdb layer name → PyTorch module path, for one family and layout; undefined for a layer it lacks. */
type ModuleOf = (layer: string) => string | undefined;

const PARAM_SUFFIX: Readonly<Record<string, string>> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  movingMean: 'running_mean',
  movingVariance: 'running_var',
};

function resnetModules(): ModuleOf {
  // timm's ResNet keeps torchvision's names (conv1, bn1, layerN.i.downsample.{0,1}, fc).
  return (layer) => {
    if (layer === 'stem.conv') return 'conv1';
    if (layer === 'stem.bn') return 'bn1';
    if (layer === 'classifier') return 'fc';
    const m = /^(layer\d+\.\d+)\.(?:(conv\d|bn\d)|down\.(conv|bn))$/.exec(layer);
    if (!m) return undefined;
    return m[2] ? `${m[1]}.${m[2]}` : `${m[1]}.downsample.${m[3] === 'conv' ? 0 : 1}`;
  };
}

function denseNetModules(): ModuleOf {
  // timm's DenseNet keeps torchvision's names (features.conv0 … features.norm5, classifier).
  return (layer) => {
    if (layer === 'stem.conv') return 'features.conv0';
    if (layer === 'stem.bn') return 'features.norm0';
    if (layer === 'final.bn') return 'features.norm5';
    if (layer === 'classifier') return 'classifier';
    const dense = /^dense(\d+)\.layer(\d+)\.(bn|conv)([12])$/.exec(layer);
    if (dense) return `features.denseblock${dense[1]}.denselayer${dense[2]}.${dense[3] === 'bn' ? 'norm' : 'conv'}${dense[4]}`;
    const transition = /^transition(\d+)\.(bn|conv)$/.exec(layer);
    if (transition) return `features.transition${transition[1]}.${transition[2] === 'bn' ? 'norm' : 'conv'}`;
    return undefined;
  };
}

function mobileNetV2Modules(config: ResolvedConfig<Extract<ModelConfig, { architecture: 'mobilenet-v2' }>>, layout: StateDictLayout): ModuleOf {
  // fpdb numbers blocks 1…B across stages; torchvision's `features.k` does the same (k = 0 is the stem,
  // B + 1 the head), timm groups them by stage (`blocks.stage.repeat`). A block without expansion
  // (t = 1) has no `expand` layer, which shifts torchvision's `conv.i` indices and is timm's
  // DepthwiseSeparableConv (conv_dw, bn1, conv_pw, bn2) instead of an InvertedResidual.
  const blocks: { stage: number; repeat: number; expands: boolean }[] = [];
  config.stages.forEach(([t, , n], stage) => {
    for (let repeat = 0; repeat < n; repeat++) blocks.push({ stage, repeat, expands: t !== 1 });
  });
  const head = blocks.length + 1;
  const tv: Record<string, (expands: boolean) => string> = {
    'expand.conv': () => 'conv.0.0',
    'expand.bn': () => 'conv.0.1',
    'dw.conv': (e) => `conv.${e ? 1 : 0}.0`,
    'dw.bn': (e) => `conv.${e ? 1 : 0}.1`,
    'project.conv': (e) => `conv.${e ? 2 : 1}`,
    'project.bn': (e) => `conv.${e ? 3 : 2}`,
  };
  const timmExpanding: Record<string, string> = { 'expand.conv': 'conv_pw', 'expand.bn': 'bn1', 'dw.conv': 'conv_dw', 'dw.bn': 'bn2', 'project.conv': 'conv_pwl', 'project.bn': 'bn3' };
  const timmSeparable: Record<string, string> = { 'dw.conv': 'conv_dw', 'dw.bn': 'bn1', 'project.conv': 'conv_pw', 'project.bn': 'bn2' };
  const fixed: Record<StateDictLayout, Record<string, string>> = {
    torchvision: { 'stem.conv': 'features.0.0', 'stem.bn': 'features.0.1', 'head.conv': `features.${head}.0`, 'head.bn': `features.${head}.1`, classifier: 'classifier.1' },
    timm: { 'stem.conv': 'conv_stem', 'stem.bn': 'bn1', 'head.conv': 'conv_head', 'head.bn': 'bn2', classifier: 'classifier' },
  };
  return (layer) => {
    if (Object.hasOwn(fixed[layout], layer)) return fixed[layout][layer];
    const m = /^block(\d+)\.(.+)$/.exec(layer);
    const block = m ? blocks[Number(m[1]) - 1] : undefined;
    if (!m || !block) return undefined;
    const part = m[2]!;
    if (layout === 'torchvision') {
      const index = tv[part]?.(block.expands);
      return index === undefined ? undefined : `features.${m[1]}.${index}`;
    }
    const name = (block.expands ? timmExpanding : timmSeparable)[part];
    return name === undefined ? undefined : `blocks.${block.stage}.${block.repeat}.${name}`;
  };
}

function modulesOf(config: ResolvedConfig, layout: StateDictLayout): ModuleOf {
  switch (config.architecture) {
    case 'resnet':
      return resnetModules();
    case 'densenet':
      return denseNetModules();
    case 'mobilenet-v2':
      return mobileNetV2Modules(config, layout);
    default:
      throw new FpdbError(
        'FPDB_WEIGHTS_LAYOUT',
        `The ${config.architecture} architecture has no PyTorch counterpart, so no state dict maps onto it. Use resnet, densenet or mobilenet-v2 (e.g. presetConfig('resnet18', { numClasses })).`,
        { details: { value: config.architecture } },
      );
  }
}

const ROLE_OF_KIND: Partial<Record<SummaryRow['kind'], TensorRole>> = { conv: 'conv', depthwise: 'depthwise', dense: 'dense' };

/**
 * The state-dict key of every parameter of a resolved config in one layout, in definition order.
 * Internal form of {@link stateDictMapping}, with roles and shapes for the converter.
 */
export function keyMappings(config: ResolvedConfig, layout: StateDictLayout): KeyMapping[] {
  const moduleOf = modulesOf(config, layout);
  const { specs, rows } = traceConfig(config);
  const kinds = new Map(rows.map((r) => [r.name, r.kind]));
  return specs.map((spec) => {
    const dot = spec.name.lastIndexOf('.');
    const layer = spec.name.slice(0, dot);
    const suffix = spec.name.slice(dot + 1);
    const module = moduleOf(layer);
    const param = PARAM_SUFFIX[suffix];
    if (module === undefined || param === undefined) {
      // A layer the family's definition has but its mapping lacks: a bug here, not in the user's file.
      throw new FpdbError('FPDB_WEIGHTS_LAYOUT', `No ${layout} state-dict key is known for the parameter ${spec.name} of ${config.architecture}.`, { details: { value: spec.name } });
    }
    const role = suffix === 'kernel' ? (ROLE_OF_KIND[kinds.get(layer)!] ?? 'vector') : 'vector';
    return { name: spec.name, key: `${module}.${param}`, role, shape: spec.shape.slice(), classifier: layer === 'classifier' };
  });
}

/**
 * The PyTorch state-dict key of every parameter of a model config, e.g. `layer1.0.down.conv.kernel` →
 * `layer1.0.downsample.0.weight`, in definition order.
 * @throws FpdbError FPDB_CONFIG for an invalid config; FPDB_WEIGHTS_LAYOUT for reference-cnn (no PyTorch counterpart).
 * @example stateDictMapping(presetConfig('mobilenetv2_100', { numClasses: 6 }), 'timm').get('stem.conv.kernel') // 'conv_stem.weight'
 */
export function stateDictMapping(config: ModelConfig, layout: StateDictLayout = 'torchvision'): Map<string, string> {
  return new Map(keyMappings(resolveConfig(config), layout).map((m) => [m.name, m.key]));
}
