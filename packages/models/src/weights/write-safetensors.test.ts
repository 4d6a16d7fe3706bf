import { isFpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from './write-safetensors.js';

function header(bytes: Uint8Array): { length: number; json: Record<string, unknown> } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { length, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown> };
}

describe('writeSafetensors', () => {
  it('writes F32 entries in order, with metadata, after a header padded to 8 bytes', () => {
    const bytes = writeSafetensors(
      [
        ['conv.weight', { shape: [1, 1, 1, 3], data: new Float32Array([1, 2, 3]) }],
        ['conv.bias', { shape: [1], data: new Float32Array([-1]) }],
      ],
      { metadata: { format: 'pt' } },
    );
    const { length, json } = header(bytes);
    expect(length % 8).toBe(0);
    expect(Object.keys(json)).toEqual(['__metadata__', 'conv.weight', 'conv.bias']);
    expect(json['conv.weight']).toEqual({ dtype: 'F32', shape: [1, 1, 1, 3], data_offsets: [0, 12] });
    expect(json['conv.bias']).toEqual({ dtype: 'F32', shape: [1], data_offsets: [12, 16] });
    expect(json.__metadata__).toEqual({ format: 'pt' });
    const data = new DataView(bytes.buffer, 8 + length);
    expect([0, 1, 2, 3].map((i) => data.getFloat32(4 * i, true))).toEqual([1, 2, 3, -1]);
    expect(bytes.length).toBe(8 + length + 16);
  });

  it('writes from a subarray view without its neighbours', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    const bytes = writeSafetensors(new Map([['w', { shape: [2], data: backing.subarray(1, 3) }]]));
    const { length } = header(bytes);
    const view = new DataView(bytes.buffer, 8 + length);
    expect([view.getFloat32(0, true), view.getFloat32(4, true)]).toEqual([1, 2]);
    expect(bytes.length).toBe(8 + length + 8);
  });

  it('refuses data that does not match the shape, with the sizes', () => {
    try {
      writeSafetensors(new Map([['w', { shape: [2, 3], data: new Float32Array(5) }]]));
      expect.fail('expected a throw');
    } catch (error) {
      expect(isFpdbError(error, 'FPDB_SHAPE')).toBe(true);
      expect((error as Error).message).toMatch(/"w" has 5 values but shape \[2, 3\] needs 6/);
    }
  });

  it('refuses empty, repeated and reserved names, bad shapes and non-string metadata', () => {
    const t = { shape: [1], data: new Float32Array(1) };
    const bad: [Iterable<readonly [string, typeof t]>, object?][] = [
      [[['', t]]],
      [[['__metadata__', t]]],
      [
        [
          ['a', t],
          ['a', t],
        ],
      ],
      [[['a', { shape: [1.5], data: new Float32Array(1) }]]],
      [[['a', t]], { metadata: { epoch: 3 } }],
    ];
    for (const [tensors, options] of bad) {
      expect(() => writeSafetensors(tensors, options as never)).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    }
  });
});
