import { describe, expect, it } from 'vitest';
import { decodeFloats, float16BitsToFloat32Bits } from './float-decode.js';
import { bitsOf } from '../../../test/pickle-writer.js';

function f32Bits(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0] as number;
}

function u16Bytes(patterns: readonly number[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(patterns.length * 2);
  const view = new DataView(bytes.buffer);
  patterns.forEach((p, i) => view.setUint16(2 * i, p, littleEndian));
  return bytes;
}

describe('float16BitsToFloat32Bits', () => {
  it('widens known bit patterns exactly', () => {
    const cases: [number, number][] = [
      [0x0000, 0x00000000], // +0
      [0x8000, 0x80000000], // -0
      [0x0001, 0x33800000], // smallest subnormal, 2^-24
      [0x8001, 0xb3800000],
      [0x0200, 0x38000000], // 2^-15
      [0x03ff, 0x387fc000], // largest subnormal
      [0x0400, 0x38800000], // smallest normal, 2^-14
      [0x3c00, 0x3f800000], // 1
      [0xc000, 0xc0000000], // -2
      [0x3555, 0x3eaaa000], // 0.333251953125
      [0x7bff, 0x477fe000], // 65504
      [0x7c00, 0x7f800000], // +inf
      [0xfc00, 0xff800000], // -inf
      [0x7e00, 0x7fc00000], // quiet NaN
      [0xfe01, 0xffc02000], // NaN: sign and payload kept
      [0x7c01, 0x7f802000], // signalling NaN: payload kept, not quieted
    ];
    for (const [half, single] of cases) expect(float16BitsToFloat32Bits(half).toString(16)).toBe(single.toString(16));
  });

  it('agrees with the value formula for all 65536 patterns', () => {
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const mantissa = h & 0x3ff;
      const got = float16BitsToFloat32Bits(h);
      if (exponent === 0x1f) {
        expect(got).toBe((((h & 0x8000) << 16) | 0x7f800000 | (mantissa << 13)) >>> 0);
        continue;
      }
      const value = exponent === 0 ? sign * mantissa * 2 ** -24 : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
      if (got !== f32Bits(value)) expect(`${h.toString(16)} → ${got.toString(16)}`).toBe(`${h.toString(16)} → ${f32Bits(value).toString(16)}`);
    }
  });
});

describe('decodeFloats', () => {
  it('widens F16 in either byte order', () => {
    const patterns = [0x3c00, 0x0001, 0xfc00, 0x7e00];
    const expected = [0x3f800000, 0x33800000, 0xff800000, 0x7fc00000];
    expect(bitsOf(decodeFloats(u16Bytes(patterns), 'F16', true))).toEqual(expected);
    expect(bitsOf(decodeFloats(u16Bytes(patterns, false), 'F16', false))).toEqual(expected);
  });

  it('widens BF16 by placing the bits on top, NaN payloads and subnormals included', () => {
    const patterns = [0x3f80, 0x0001, 0x8000, 0x7f80, 0xff81, 0x3eab, 0x7f7f];
    const expected = patterns.map((p) => (p << 16) >>> 0);
    expect(bitsOf(decodeFloats(u16Bytes(patterns), 'BF16', true))).toEqual(expected);
    expect(bitsOf(decodeFloats(u16Bytes(patterns, false), 'BF16', false))).toEqual(expected);
  });

  it('narrows F64 to the nearest float32, overflowing to infinity', () => {
    const values = [1 / 3, 16777217, 1e-40, 1e39, -1e39, -0, 3.4028235677973366e38];
    const bytes = new Uint8Array(values.length * 8);
    values.forEach((v, i) => new DataView(bytes.buffer).setFloat64(8 * i, v, true));
    expect(bitsOf(decodeFloats(bytes, 'F64', true))).toEqual([0x3eaaaaab, 0x4b800000, 0x000116c2, 0x7f800000, 0xff800000, 0x80000000, 0x7f800000]);
  });

  it('reads F32 in either byte order into a copy that does not alias the input', () => {
    const bytes = new Uint8Array(9);
    const view = new DataView(bytes.buffer);
    view.setFloat32(1, 1.5, true);
    view.setFloat32(5, -2, true);
    const data = decodeFloats(bytes.subarray(1), 'F32', true); // unaligned on purpose
    expect(Array.from(data)).toEqual([1.5, -2]);
    bytes.fill(0);
    expect(Array.from(data)).toEqual([1.5, -2]);
    const big = new Uint8Array(4);
    new DataView(big.buffer).setFloat32(0, 0.25, false);
    expect(Array.from(decodeFloats(big, 'F32', false))).toEqual([0.25]);
  });
});
