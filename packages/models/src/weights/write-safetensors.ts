import { FpdbError } from '@fpdb/schema';
import { elementCount } from './internal/element-count.js';

/** A tensor to write: row-major float32 `data` of `shape` (`[]` for a scalar). */
export interface WeightTensorInput {
  shape: readonly number[];
  data: Float32Array;
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Written as `__metadata__` (string to string); none by default. */
  metadata?: Readonly<Record<string, string>>;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes float32 tensors as a safetensors file: every tensor as F32 little-endian, in iteration order,
 * the JSON header padded with spaces to a multiple of 8 bytes (as the reference writer does, so the
 * data is 8-byte aligned). Whatever dtype a tensor was read from, it is written as F32.
 *
 * @param tensors - name → tensor; a `Map` (such as `WeightsFile.tensors`) or any iterable of entries.
 * @param options - `metadata`: the `__metadata__` object.
 * @returns the file's bytes, a new array the caller owns.
 * @throws FpdbError FPDB_SHAPE when a tensor's `data.length` is not the product of its `shape`;
 *   FPDB_INVALID_ARGUMENT for an empty, repeated or reserved (`__metadata__`) name, a shape that is not
 *   non-negative integers, or a metadata value that is not a string.
 *
 * @example
 * const bytes = writeSafetensors(new Map([['fc.bias', { shape: [2], data: new Float32Array([0.5, -1]) }]]));
 * parseSafetensors(bytes).tensors.get('fc.bias')?.data; // Float32Array [0.5, -1]
 */
export function writeSafetensors(tensors: Iterable<readonly [string, WeightTensorInput]>, options: WriteSafetensorsOptions = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const seen = new Set<string>();
  if (options.metadata !== undefined) {
    for (const [key, value] of Object.entries(options.metadata)) {
      if (typeof value !== 'string') {
        throw new FpdbError('FPDB_INVALID_ARGUMENT', `metadata "${key}" is a ${typeof value}; safetensors metadata values must be strings. Convert it with String() or JSON.stringify().`, {
          details: { value: key },
        });
      }
    }
    Object.defineProperty(header, '__metadata__', { value: { ...options.metadata }, enumerable: true });
  }
  const list: WeightTensorInput[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === '' || name === '__metadata__' || seen.has(name)) {
      const why = name === '' ? 'is empty' : name === '__metadata__' ? 'is reserved for the metadata' : 'appears twice';
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `The tensor name "${name}" ${why}; each tensor needs its own non-empty name. Rename it before writing.`, { details: { value: name } });
    }
    seen.add(name);
    const count = elementCount(tensor.shape);
    if (count === undefined) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `Tensor "${name}" has shape [${tensor.shape.join(', ')}]; expected non-negative integers with at most 2^31-1 elements in all.`, {
        details: { value: name },
      });
    }
    if (tensor.data.length !== count) {
      throw new FpdbError('FPDB_SHAPE', `Tensor "${name}" has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${count}. Pass data of the shape's size.`, {
        details: { value: name },
      });
    }
    // defineProperty, so that a tensor named "__proto__" is a key and not a prototype.
    Object.defineProperty(header, name, { value: { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + count * 4] }, enumerable: true });
    list.push(tensor);
    offset += count * 4;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const { data } of list) {
    if (HOST_LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    else for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i] as number, true);
    position += data.byteLength;
  }
  return out;
}
