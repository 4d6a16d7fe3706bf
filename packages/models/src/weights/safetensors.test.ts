import { isFpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from './safetensors.js';
import { bitsOf } from '../../test/pickle-writer.js';
import { writeSafetensors } from './write-safetensors.js';

/** A safetensors file from a header object and raw data, with an optional header-length override. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function u16(patterns: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(patterns.length * 2);
  patterns.forEach((p, i) => new DataView(bytes.buffer).setUint16(2 * i, p, true));
  return bytes;
}

function formatError(bytes: Uint8Array): Error & { details: Record<string, unknown> } {
  try {
    parseSafetensors(bytes, { name: 'model.safetensors' });
  } catch (error) {
    if (!isFpdbError(error, 'FPDB_WEIGHTS_FORMAT')) throw error;
    expect(error.message).toContain('model.safetensors');
    return error as Error & { details: Record<string, unknown> };
  }
  throw new Error('expected FPDB_WEIGHTS_FORMAT');
}

describe('parseSafetensors', () => {
  it('round-trips writeSafetensors: names, order, shapes, values, metadata, scalars and empty tensors', () => {
    const tensors = new Map([
      ['b.weight', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, Number.NaN, Infinity, -0]) }],
      ['a.bias', { shape: [], data: new Float32Array([0.1]) }],
      ['__proto__', { shape: [0, 4], data: new Float32Array(0) }],
      ['c', { shape: [1], data: new Float32Array([1e-45]) }],
    ]);
    const read = parseSafetensors(writeSafetensors(tensors, { metadata: { format: 'pt', note: 'ü' } }));
    expect(read.format).toBe('safetensors');
    expect([...read.tensors.keys()]).toEqual(['b.weight', 'a.bias', '__proto__', 'c']);
    for (const [name, tensor] of tensors) {
      const got = read.tensors.get(name);
      expect(got?.shape).toEqual(tensor.shape);
      expect(got?.dtype).toBe('F32');
      expect(bitsOf(got?.data ?? new Float32Array())).toEqual(bitsOf(tensor.data));
    }
    expect(read.metadata).toEqual({ format: 'pt', note: 'ü' });
    expect(read.skipped).toEqual([]);
  });

  it('widens F16 and BF16 exactly and narrows F64', () => {
    const f64 = new Uint8Array(16);
    new DataView(f64.buffer).setFloat64(0, 1 / 3, true);
    new DataView(f64.buffer).setFloat64(8, 1e39, true);
    const data = new Uint8Array([...u16([0x0001, 0x7bff, 0xfc00, 0x7e00]), ...u16([0x3f80, 0x0001, 0xff80]), ...f64]);
    const read = parseSafetensors(
      file(
        {
          half: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] },
          bf: { dtype: 'BF16', shape: [3], data_offsets: [8, 14] },
          double: { dtype: 'F64', shape: [2], data_offsets: [14, 30] },
        },
        data,
      ),
    );
    expect(bitsOf(read.tensors.get('half')?.data as Float32Array)).toEqual([0x33800000, 0x477fe000, 0xff800000, 0x7fc00000]);
    expect(bitsOf(read.tensors.get('bf')?.data as Float32Array)).toEqual([0x3f800000, 0x00010000, 0xff800000]);
    expect(bitsOf(read.tensors.get('double')?.data as Float32Array)).toEqual([0x3eaaaaab, 0x7f800000]);
    expect(read.tensors.get('half')?.dtype).toBe('F16');
    expect(read.tensors.get('half')?.shape).toEqual([2, 2]);
  });

  it('lists integer tensors (num_batches_tracked) as skipped and reads the rest', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(8, 2, true);
    const read = parseSafetensors(file({ 'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] }, 'bn.weight': { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, data));
    expect(read.skipped).toEqual([{ name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], reason: 'integer' }]);
    expect(Array.from(read.tensors.get('bn.weight')?.data ?? [])).toEqual([2]);
  });

  it('refuses float8 and unknown dtypes, naming the tensor and the dtype', () => {
    const f8 = formatError(file({ w: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)));
    expect(f8.message).toMatch(/"w".*F8_E4M3/);
    expect(formatError(file({ w: { dtype: 'Q4', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2))).message).toContain('Q4');
  });

  it('validates the header and the layout', () => {
    const f32 = (offsets: unknown, shape: unknown = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });
    const cases: [string, Uint8Array, RegExp][] = [
      ['header longer than the file', file({ w: f32([0, 4]) }, new Uint8Array(4), 1000), /truncated/],
      [
        'absurd header length',
        (() => {
          const b = file({});
          new DataView(b.buffer).setUint32(4, 1, true);
          return b;
        })(),
        /not a safetensors file/,
      ],
      ['not JSON', file({}, new Uint8Array(0)).map((b, i) => (i === 8 ? 0x5b : b)), /not UTF-8 JSON/],
      ['header is an array', file([1, 2]), /expected a JSON object/],
      ['metadata not strings', file({ __metadata__: { epoch: 3 } }), /__metadata__/],
      ['entry not an object', file({ w: 3 }), /"w" is 3/],
      ['negative dimension', file({ w: f32([0, 4], [-1]) }, new Uint8Array(4)), /shape \[-1\]/],
      ['byte length mismatch', file({ w: f32([0, 8], [1]) }, new Uint8Array(8)), /spans 8 bytes, expected 4/],
      ['offsets reversed', file({ w: f32([4, 0]) }, new Uint8Array(4)), /data_offsets/],
      ['offsets past the data', file({ w: f32([0, 4]) }, new Uint8Array(2)), /truncated/],
      ['overlap', file({ a: f32([0, 8], [2]), b: f32([4, 8]) }, new Uint8Array(8)), /overlaps/],
      ['gap', file({ a: f32([0, 4]), b: f32([8, 12]) }, new Uint8Array(12)), /gap/],
      ['trailing bytes', file({ a: f32([0, 4]) }, new Uint8Array(8)), /extra bytes/],
    ];
    for (const [what, bytes, message] of cases) expect(formatError(bytes).message, what).toMatch(message);
  });

  it('answers a truncation at every byte with FPDB_WEIGHTS_FORMAT', () => {
    const bytes = writeSafetensors(
      new Map([
        ['w', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }],
        ['b', { shape: [2], data: new Float32Array([5, 6]) }],
      ]),
      { metadata: { a: 'b' } },
    );
    for (let cut = 0; cut < bytes.length; cut++) formatError(bytes.subarray(0, cut));
  });

  it('returns arrays that do not alias the input', () => {
    const bytes = writeSafetensors(new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]]));
    const read = parseSafetensors(bytes);
    bytes.fill(0, bytes.length - 8);
    expect(Array.from(read.tensors.get('w')?.data ?? [])).toEqual([1, 2]);
  });
});
