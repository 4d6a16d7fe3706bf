export * from './index.js';
export { generateDataset, type GenerateOptions, type GenerateProgress, type GenerateResult } from './internal/generate-dataset.js';
