import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWeightsFiles, type NamedWeights } from './weights-manifest.js';

/**
 * Writes `<jsonName>` (tfjs weightsManifest layout) and `<shardName>` (float32 little-endian, in
 * manifest order) into `dir`.
 * @throws FpdbError FPDB_CHECKPOINT on a big-endian machine.
 */
export async function writeWeightsFiles(dir: string, jsonName: string, shardName: string, format: string, weights: readonly NamedWeights[], modelTopology: unknown = null): Promise<void> {
  const { json, shard } = encodeWeightsFiles(shardName, format, weights, modelTopology);
  await writeFile(join(dir, shardName), shard);
  await writeFile(join(dir, jsonName), json);
}
