/** Fields every architecture config shares. */
export interface CommonConfig {
  /** Number of output classes (e.g. `labelSpace('planes').classes.length` = 6). */
  numClasses: number;
  /** Input height and width in pixels; a number means square. Input has 1 channel. Default 128. */
  inputSize?: number | [number, number];
  /** Dropout rate before the classifier (default 0 for the reference CNN and ResNet, 0.2 for MobileNetV2). */
  dropout?: number;
}

/** The reference CNN of every benchmark: 4 × (conv 3×3 + bias + ReLU + max-pool 2×2), global average pool, dense. */
export interface ReferenceCnnConfig extends CommonConfig {
  architecture: 'reference-cnn';
  /** Filters per block (default [16, 32, 64, 64]). */
  widths?: readonly number[];
  /** Batch norm after each conv (default false: conv + bias + ReLU as the benchmark defines it). */
  batchNorm?: boolean;
}

/** ResNet with basic blocks and batch norm; the default layout is ResNet-18. */
export interface ResNetConfig extends CommonConfig {
  architecture: 'resnet';
  /** Channels of the first stage; stages double it (default 64 → 64, 128, 256, 512). */
  width?: number;
  /** Basic blocks per stage (default [2, 2, 2, 2] = ResNet-18). */
  blocks?: readonly number[];
  /** 'imagenet': 7×7/2 conv + 3×3/2 max-pool (default); 'compact': one 3×3/1 conv, for small inputs. */
  stem?: 'imagenet' | 'compact';
}

/** One MobileNetV2 stage: expansion t, output channels c (before the multiplier), repeats n, first stride s. */
export type MobileNetV2Stage = readonly [t: number, c: number, n: number, s: number];

/** MobileNetV2 (inverted residuals, linear bottlenecks, ReLU6) with a width multiplier. */
export interface MobileNetV2Config extends CommonConfig {
  architecture: 'mobilenet-v2';
  /** Width multiplier α (default 1). Channels are rounded to multiples of 8 as in the paper. */
  alpha?: number;
  /** Stages (default: the paper's 7 stages from 16 to 320 channels). */
  stages?: readonly MobileNetV2Stage[];
  /** Channels of the last 1×1 conv (default 1280, scaled by α when α > 1). */
  lastChannels?: number;
}

/** DenseNet-BC (bottleneck + compression); the default layout is DenseNet-169. */
export interface DenseNetConfig extends CommonConfig {
  architecture: 'densenet';
  /** Growth rate k (default 32). */
  growthRate?: number;
  /** Layers per dense block (default [6, 12, 32, 32] = DenseNet-169). */
  blocks?: readonly number[];
  /** Transition compression θ (default 0.5). */
  compression?: number;
  /** Bottleneck width as a multiple of k (default 4). */
  bottleneck?: number;
  /** 'imagenet': 7×7/2 conv + 3×3/2 max-pool (default); 'compact': one 3×3/1 conv, for small inputs. */
  stem?: 'imagenet' | 'compact';
}

/** Any architecture this package builds. */
export type ModelConfig = ReferenceCnnConfig | ResNetConfig | MobileNetV2Config | DenseNetConfig;

/** The names of the architectures. */
export const ARCHITECTURES = ['reference-cnn', 'resnet', 'mobilenet-v2', 'densenet'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

/** A config with every default filled in: what checkpoints store and compare. */
export type ResolvedConfig<C extends ModelConfig = ModelConfig> = Required<C> & { inputSize: [number, number] };
