import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FpdbError } from '@fpdb/schema';

/** One entry of a tfjs `weightsManifest` group. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** The tfjs weights-manifest layout (`model.json` of tfjs layers models minus the topology). */
export interface WeightsManifestFile {
  format: string;
  generatedBy: string;
  convertedBy: null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

/** A named float32 tensor as plain data. */
export interface NamedWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes `<stem>.json` (tfjs weightsManifest layout) and `<shard>` (float32 little-endian, in manifest
 * order) into `dir`.
 */
export async function writeWeightsFiles(dir: string, jsonName: string, shardName: string, format: string, weights: readonly NamedWeights[], modelTopology: unknown = null): Promise<void> {
  if (!LITTLE_ENDIAN) throw new FpdbError('FPDB_CHECKPOINT', 'Checkpoints are little-endian float32; this machine is big-endian.');
  const total = weights.reduce((n, w) => n + w.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(w.values, offset);
    offset += w.values.length;
  }
  const manifest: WeightsManifestFile = {
    format,
    generatedBy: '@fpdb/models',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: [shardName], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  await writeFile(join(dir, shardName), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  await writeFile(join(dir, jsonName), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Reads weights written by {@link writeWeightsFiles} (or any float32 tfjs weightsManifest).
 * @throws FpdbError FPDB_CHECKPOINT for a missing or malformed file, a non-float32 weight or a short shard.
 */
export async function readWeightsFiles(dir: string, jsonName: string): Promise<{ manifest: WeightsManifestFile; weights: NamedWeights[] }> {
  const file = join(dir, jsonName);
  let manifest: WeightsManifestFile;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as WeightsManifestFile;
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot read ${file}: ${(cause as Error).message}. Is ${dir} a checkpoint folder written by @fpdb/models?`, { cause, details: { file } });
  }
  if (!Array.isArray(manifest.weightsManifest)) {
    throw new FpdbError('FPDB_CHECKPOINT', `${file} has no weightsManifest array.`, { details: { file } });
  }
  const weights: NamedWeights[] = [];
  for (const group of manifest.weightsManifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new FpdbError('FPDB_CHECKPOINT', `${file} has a weightsManifest group without paths and weights arrays.`, { details: { file } });
    }
    for (const p of group.paths) {
      // The manifest is untrusted input: a shard path may name only a file inside the checkpoint folder.
      const rel = typeof p === 'string' ? relative(resolve(dir), resolve(dir, p)) : '..';
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
        throw new FpdbError('FPDB_PATH_ESCAPE', `${file} lists the weight shard ${JSON.stringify(p)}, which is outside ${dir}; it was refused. A checkpoint's shards sit in its own folder.`, {
          details: { file, value: p },
        });
      }
    }
    const chunks = await Promise.all(
      group.paths.map(async (p) => {
        try {
          return await readFile(join(dir, p));
        } catch (cause) {
          throw new FpdbError('FPDB_CHECKPOINT', `Weight shard ${join(dir, p)} listed in ${file} is missing or unreadable.`, { cause, details: { file: join(dir, p) } });
        }
      }),
    );
    const bytes = Buffer.concat(chunks);
    const aligned = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(aligned.buffer).set(bytes.subarray(0, aligned.byteLength));
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.dtype !== 'float32') {
        throw new FpdbError('FPDB_CHECKPOINT', `Weight ${entry.name} in ${file} is ${entry.dtype}; only float32 weights are supported.`, { details: { file, value: entry.name } });
      }
      if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new FpdbError('FPDB_CHECKPOINT', `Weight ${entry.name} in ${file} has the shape ${JSON.stringify(entry.shape)}; a shape is a list of whole numbers.`, {
          details: { file, value: entry.name },
        });
      }
      const size = entry.shape.reduce((a, b) => a * b, 1);
      if (offset + size > aligned.length) {
        throw new FpdbError('FPDB_CHECKPOINT', `The shards of ${file} end before weight ${entry.name}: the checkpoint is truncated.`, { details: { file, value: entry.name } });
      }
      const values = aligned.slice(offset, offset + size);
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new FpdbError(
          'FPDB_CHECKPOINT',
          `Weight ${entry.name} in ${file} holds ${values[bad]} at index ${bad}: the checkpoint is corrupt or comes from a diverged run. Use an earlier checkpoint (e.g. best).`,
          {
            details: { file, value: entry.name, index: bad },
          },
        );
      }
      weights.push({ name: entry.name, shape: entry.shape, values });
      offset += size;
    }
  }
  return { manifest, weights };
}
