export * from './index.js';
export { train, type TrainOptions, type TrainResult, type EpochLog, type StepLog } from './training/train.js';
export { checkpointExists, loadCheckpoint, readCheckpointMetadata, restoreCheckpoint, saveCheckpoint, type SaveCheckpointOptions } from './checkpoint/checkpoint.js';
export { importPretrained } from './pretrained/import-pretrained-node.js';
