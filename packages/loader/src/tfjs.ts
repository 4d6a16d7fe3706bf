export { disposeTensorBatch, tensorBatches, toTensorBatch, type TensorBatch } from './tfjs/tensor-batches.js';
