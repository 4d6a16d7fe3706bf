export * from './index.js';
export { readMetadata } from './metadata/read-metadata.js';
