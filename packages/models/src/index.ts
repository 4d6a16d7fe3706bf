export type { ModelConfig, ReferenceCnnConfig, ResNetConfig, MobileNetV2Config, MobileNetV2Stage, DenseNetConfig, ResolvedConfig, ArchitectureName } from './architectures/config.js';
export { ARCHITECTURES } from './architectures/config.js';
export { resolveConfig } from './architectures/resolve-config.js';
export { createModel, type Model, type CreateModelOptions, type ParamCount } from './model/create-model.js';
export type { ForwardOptions } from './model/tensor-builder.js';
export type { SummaryRow, ParamSpec, Initializer } from './model/types.js';
export { summarize, formatSummary, type ModelSummary } from './model/summarize.js';
