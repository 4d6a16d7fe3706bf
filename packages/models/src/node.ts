export * from './index.js';
export { train, type TrainOptions, type TrainResult, type EpochLog, type StepLog } from './training/train.js';
export type { StepTimeline } from './training/internal/gradient-engine.js';
export type { WorkerTimeline } from './training/parallel/protocol.js';
export { checkpointExists, loadCheckpoint, readCheckpointMetadata, restoreCheckpoint, saveCheckpoint, type SaveCheckpointOptions } from './checkpoint/checkpoint.js';
export { importPretrained } from './pretrained/import-pretrained-node.js';
