import { FpdbError } from '@fpdb/schema';
import type { ModelConfig } from '../architectures/config.js';
import { MOBILENET_V2_STAGES } from '../architectures/mobilenet-v2.js';

/** A family config without the fields a user chooses per task. */
export type PresetConfig = ModelConfig extends infer C ? (C extends ModelConfig ? Omit<C, 'numClasses' | 'inputSize'> : never) : never;

/**
 * The ImageNet networks by the names torchvision and timm give them, as fpdb family configs: loading
 * their state dicts ({@link loadStateDict}) needs exactly these layouts.
 * @example PRETRAINED_PRESETS.resnet50 // { architecture: 'resnet', block: 'bottleneck', blocks: [3, 4, 6, 3], … }
 */
export const PRETRAINED_PRESETS = Object.freeze({
  resnet18: { architecture: 'resnet', block: 'basic', blocks: [2, 2, 2, 2], width: 64, stem: 'imagenet' },
  resnet34: { architecture: 'resnet', block: 'basic', blocks: [3, 4, 6, 3], width: 64, stem: 'imagenet' },
  resnet50: { architecture: 'resnet', block: 'bottleneck', blocks: [3, 4, 6, 3], width: 64, stem: 'imagenet' },
  densenet121: { architecture: 'densenet', growthRate: 32, blocks: [6, 12, 24, 16], compression: 0.5, bottleneck: 4, stem: 'imagenet' },
  densenet169: { architecture: 'densenet', growthRate: 32, blocks: [6, 12, 32, 32], compression: 0.5, bottleneck: 4, stem: 'imagenet' },
  mobilenetv2_100: { architecture: 'mobilenet-v2', alpha: 1, stages: MOBILENET_V2_STAGES, lastChannels: 1280, dropout: 0.2 },
} as const satisfies Record<string, PresetConfig>);

/** A name of {@link PRETRAINED_PRESETS}. */
export type PretrainedPresetName = keyof typeof PRETRAINED_PRESETS;

/** Other spellings users know, e.g. torchvision's `mobilenet_v2`. */
export const PRETRAINED_PRESET_ALIASES: Readonly<Record<string, PretrainedPresetName>> = Object.freeze({ mobilenet_v2: 'mobilenetv2_100' });

/**
 * The canonical name of a pretrained network (`mobilenet_v2` → `mobilenetv2_100`), or undefined when `name`
 * names none: the one place aliases are resolved.
 * @example presetNameOf('mobilenet_v2') // 'mobilenetv2_100'
 */
export function presetNameOf(name: unknown): PretrainedPresetName | undefined {
  if (typeof name !== 'string') return undefined;
  if (Object.hasOwn(PRETRAINED_PRESETS, name)) return name as PretrainedPresetName;
  return Object.hasOwn(PRETRAINED_PRESET_ALIASES, name) ? PRETRAINED_PRESET_ALIASES[name] : undefined;
}

/**
 * The canonical name of a pretrained network.
 * @throws FpdbError FPDB_CONFIG for an unknown name (the message lists the known ones).
 * @example resolvePresetName('mobilenet_v2') // 'mobilenetv2_100'
 */
export function resolvePresetName(name: string): PretrainedPresetName {
  const key = presetNameOf(name);
  if (key === undefined) {
    const aliases = Object.entries(PRETRAINED_PRESET_ALIASES).map(([alias, target]) => `${alias} for ${target}`);
    throw new FpdbError('FPDB_CONFIG', `Unknown pretrained network ${JSON.stringify(name)}; use one of ${Object.keys(PRETRAINED_PRESETS).join(', ')} (or ${aliases.join(', ')}).`, {
      details: { value: name },
    });
  }
  return key;
}

/** Options of {@link presetConfig}. */
export interface PresetConfigOptions {
  /** Output classes: the task's (with a fresh head), or the file's (e.g. 1000) to keep its classifier. */
  numClasses: number;
  /** Input height and width; a number means square. Default 224, the size these networks were trained at. */
  inputSize?: number | [number, number];
  /** Dropout before the classifier (default: the network's own, 0.2 for MobileNetV2, else 0). */
  dropout?: number;
}

/**
 * The family config of a pretrained network by its torchvision/timm name.
 * @throws FpdbError FPDB_CONFIG for an unknown name (the message lists the known ones).
 * @example
 * const model = createModel(presetConfig('resnet18', { numClasses: 6 }));
 * loadStateDict(model, readWeights(bytes)); // torchvision or timm keys, stem folded to 1 channel
 */
export function presetConfig(name: PretrainedPresetName | 'mobilenet_v2' | (string & {}), options: PresetConfigOptions): ModelConfig {
  const preset = PRETRAINED_PRESETS[resolvePresetName(name)];
  const copy = JSON.parse(JSON.stringify(preset)) as ModelConfig;
  return { ...copy, numClasses: options.numClasses, inputSize: options.inputSize ?? 224, ...(options.dropout === undefined ? {} : { dropout: options.dropout }) };
}
