import { FpdbError } from '@fpdb/schema';
import type { CheckpointReader } from './checkpoint-reader.js';

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
 * The two files of a weights group: `json` (tfjs weightsManifest layout) and `shard` (float32
 * little-endian, in manifest order), as bytes for any writer (a folder, a download, memory).
 * @throws FpdbError FPDB_CHECKPOINT on a big-endian machine.
 */
export function encodeWeightsFiles(shardName: string, format: string, weights: readonly NamedWeights[], modelTopology: unknown = null): { json: string; shard: Uint8Array } {
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
  return { json: `${JSON.stringify(manifest, null, 2)}\n`, shard: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * A shard path of an untrusted manifest as a name inside the checkpoint, `/`-separated with `.` and
 * `..` resolved; refused when it would leave the checkpoint (`..` past the top, an absolute path, a
 * drive, a URL with a scheme, a backslash), whatever the checkpoint's source.
 */
function shardName(path: unknown, file: string, where: string): string {
  const refuse = (): never => {
    throw new FpdbError('FPDB_PATH_ESCAPE', `${file} lists the weight shard ${JSON.stringify(path)}, which is outside ${where}; it was refused. A checkpoint's shards sit in its own folder.`, {
      details: { file, value: path },
    });
  };
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return refuse();
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return refuse();
    } else parts.push(part);
  }
  return parts.length === 0 ? refuse() : parts.join('/');
}

/**
 * Reads a weights group written by {@link encodeWeightsFiles} (or any float32 tfjs weightsManifest)
 * from a checkpoint: the manifest `jsonName`, then its shards, through `reader`.
 * @throws FpdbError FPDB_CHECKPOINT for a missing or malformed file, a non-float32 weight, a short
 *   shard or a NaN/Inf value; FPDB_PATH_ESCAPE for a shard outside the checkpoint.
 */
export async function readWeightsManifest(reader: CheckpointReader, jsonName: string): Promise<{ manifest: WeightsManifestFile; weights: NamedWeights[] }> {
  const file = reader.locate(jsonName);
  const text = new TextDecoder().decode((await reader.read(jsonName))!);
  let manifest: WeightsManifestFile;
  try {
    manifest = JSON.parse(text) as WeightsManifestFile;
  } catch (cause) {
    throw new FpdbError('FPDB_CHECKPOINT', `Cannot read ${file}: ${(cause as Error).message}. Is ${reader.where} a checkpoint written by @fpdb/models?`, { cause, details: { file } });
  }
  if (!manifest || !Array.isArray(manifest.weightsManifest)) {
    throw new FpdbError('FPDB_CHECKPOINT', `${file} has no weightsManifest array.`, { details: { file } });
  }
  const weights: NamedWeights[] = [];
  for (const group of manifest.weightsManifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new FpdbError('FPDB_CHECKPOINT', `${file} has a weightsManifest group without paths and weights arrays.`, { details: { file } });
    }
    // Every path is checked before any shard is read.
    const names = group.paths.map((p) => shardName(p, file, reader.where));
    const chunks = await Promise.all(names.map(async (name) => (await reader.read(name))!));
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    // Copied into a Float32Array's own buffer: a shard's bytes need not be 4-byte aligned.
    const aligned = new Float32Array(Math.floor(total / 4));
    const bytes = new Uint8Array(aligned.buffer);
    let at = 0;
    for (const chunk of chunks) {
      const take = Math.min(chunk.byteLength, bytes.byteLength - at);
      bytes.set(chunk.subarray(0, take), at);
      at += take;
    }
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
