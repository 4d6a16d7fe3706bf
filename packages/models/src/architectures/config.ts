import type { Resolved } from './architecture.js';
import type { RegisteredConfig } from './registry.js';

export type { CommonConfig } from './architecture.js';
export type { ReferenceCnnConfig } from './reference-cnn.js';
export type { ResNetConfig } from './resnet.js';
export type { MobileNetV2Config, MobileNetV2Stage } from './mobilenet-v2.js';
export type { DenseNetConfig } from './densenet.js';
export type { ArchitectureName } from './registry.js';

/** Any architecture this package builds: the config of one of the registered families. */
export type ModelConfig = RegisteredConfig;

/** A config with every default filled in: what checkpoints store and compare. */
export type ResolvedConfig<C extends ModelConfig = ModelConfig> = Resolved<C>;
