import type { FloatDtype } from '../weights-file.js';

/** Bytes per element of each float dtype fpdb reads. */
export const FLOAT_BYTES: Readonly<Record<FloatDtype, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The float32 bit pattern of an IEEE 754 binary16 value, exactly: every half is representable as a
 * float32, subnormals included. Infinities keep their sign; NaNs keep sign and payload (shifted into
 * the top mantissa bits, not quieted), as numpy's conversion does.
 */
export function float16BitsToFloat32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half: mantissa·2^-24. Shift until the implicit bit (bit 10) is set; each shift lowers the
  // float32 exponent, which starts at that of 2^-14 (127 - 14 = 113).
  let exponent32 = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    exponent32 -= 1;
  }
  return (sign | (exponent32 << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

let halfTable: Uint32Array | undefined;

function float16Table(): Uint32Array {
  if (halfTable === undefined) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = float16BitsToFloat32Bits(h);
  }
  return halfTable;
}

/**
 * Decodes `bytes` (a whole number of elements of `dtype`, in the given byte order) into a new
 * Float32Array. F16 and BF16 widen exactly (bit patterns, NaN payloads kept); F64 rounds to the nearest
 * float32 (values beyond ±3.4e38 become ±Infinity). The result never aliases `bytes`.
 */
export function decodeFloats(bytes: Uint8Array, dtype: FloatDtype, littleEndian: boolean): Float32Array {
  const size = FLOAT_BYTES[dtype];
  const count = Math.floor(bytes.length / size);
  if (dtype === 'F32' && littleEndian === HOST_LITTLE_ENDIAN) {
    // slice() copies into a fresh, aligned buffer.
    return new Float32Array(bytes.slice(0, count * 4).buffer);
  }
  const out = new Float32Array(count);
  if (dtype === 'F16' || dtype === 'BF16') {
    // Writing bit patterns through a Uint32Array view keeps NaN payloads that a float store might not.
    const bits = new Uint32Array(out.buffer);
    const table = dtype === 'F16' ? float16Table() : undefined;
    const hi = littleEndian ? 1 : 0;
    const lo = 1 - hi;
    for (let i = 0; i < count; i++) {
      const h = ((bytes[2 * i + hi] as number) << 8) | (bytes[2 * i + lo] as number);
      bits[i] = table === undefined ? (h << 16) >>> 0 : (table[h] as number);
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, littleEndian);
  else for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, littleEndian);
  return out;
}
