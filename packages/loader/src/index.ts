export { parseMetadata, type MetadataMode, type MetadataOptions, type MetadataResult } from './metadata/parse-metadata.js';
