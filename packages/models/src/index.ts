export type { ModelConfig, ReferenceCnnConfig, ResNetConfig, MobileNetV2Config, MobileNetV2Stage, DenseNetConfig, ResolvedConfig, ArchitectureName } from './architectures/config.js';
export { ARCHITECTURES, isArchitectureName } from './architectures/registry.js';
export { resolveConfig } from './architectures/resolve-config.js';
export { createModel, type Model, type CreateModelOptions, type ParamCount } from './model/create-model.js';
export type { ForwardOptions } from './model/tensor-builder.js';
export type { SummaryRow, ParamSpec, Initializer } from './model/types.js';
export { summarize, formatSummary, type ModelSummary } from './model/summarize.js';
export { BACKEND_CHOICES, setupBackend, type BackendChoice, type BackendSetup, type SetupBackendOptions } from './backend/setup-backend.js';
export { registerGradients } from './backend/register-gradients.js';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './backend/register-wasm-training-kernels.js';
export { arraySource, disposeBatch, type ArrayData, type Batch, type BatchSource } from './training/batch.js';
export { smoothTargets, softmaxCrossEntropy } from './training/loss.js';
export { createOptimizer, resolveOptimizerConfig, type Optimizer, type OptimizerConfig, type OptimizerState, type ResolvedOptimizerConfig } from './training/optimizer.js';
export { learningRateAt, type LearningRateSchedule } from './training/learning-rate.js';
export { evaluate, type Evaluation } from './training/evaluate.js';
export { planFineTune, type FineTuneOptions, type FineTunePlan } from './training/fine-tune.js';
export { CHECKPOINT_FILES, type CheckpointExpectations, type LoadedCheckpoint } from './checkpoint/read-checkpoint.js';
export { loadCheckpoint } from './checkpoint/load-checkpoint.js';
export type { CheckpointFiles } from './checkpoint/checkpoint-reader.js';
export { checkpointPreprocess, type CheckpointLabels, type CheckpointMetadata, type PretrainedSource, type TrainingState } from './checkpoint/metadata.js';
export type { Normalization, Preprocess, ResizePolicy } from '@fpdb/schema';
export { predict, type PredictOptions, type Predictions } from './inference/predict.js';
export { gradCam, gradCamLayers, type GradCam, type GradCamOptions } from './inference/grad-cam.js';
export { gradCamOverlay, gradCamOverlayPixels, jet, type GrayImage, type OverlayOptions, type RgbaImage } from './inference/grad-cam-overlay.js';
export { readWeights } from './weights/read-weights.js';
export { parseSafetensors } from './weights/safetensors.js';
export { parseTorchZip } from './weights/torch-zip.js';
export { writeSafetensors, type WeightTensorInput, type WriteSafetensorsOptions } from './weights/write-safetensors.js';
export type { FloatDtype, ReadWeightsOptions, SkippedEntry, WeightTensor, WeightsFile } from './weights/weights-file.js';
export {
  PRETRAINED_PRESETS,
  PRETRAINED_PRESET_ALIASES,
  presetConfig,
  presetNameOf,
  resolvePresetName,
  type PresetConfig,
  type PresetConfigOptions,
  type PretrainedPresetName,
} from './pretrained/presets.js';
export { loadStateDict, type LoadStateDictOptions, type LoadedStateDict, type StateDict, type StateDictTensor } from './pretrained/load-state-dict.js';
export { STATE_DICT_LAYOUTS, stateDictMapping, type StateDictLayout } from './pretrained/state-dict-layouts.js';
export { importPretrained, type ImportPretrainedOptions, type PretrainedModel } from './pretrained/import-pretrained.js';
export { PRETRAINED_WEIGHTS, type WeightsSource } from './pretrained/weights-sources.js';
export { exportStateDict, type ExportStateDictOptions } from './pretrained/export-state-dict.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
