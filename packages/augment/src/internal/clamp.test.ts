import { describe, expect, it } from 'vitest';
import { clamp01, clampMax1 } from './clamp.js';

describe('clamp01', () => {
  it('equals the compare-and-branch clamp bit for bit on [0, 1] and saturates outside', () => {
    const inRange = [0, 5e-324, 1e-30, 5e-8, 0.1, 0.3333333333333333, 0.5, 0.9999999999999999, 1];
    for (const v of inRange) expect(Object.is(clamp01(v), v)).toBe(true);
    for (const v of [1.0000001, 1.5, 2, 2.5, 3.3, 1e9, 1e300, Infinity]) expect(clamp01(v)).toBe(1);
    for (const v of [-5e-324, -0.5, -2, -3, -1e300, -Infinity]) expect(clamp01(v)).toBe(0);
    expect(clamp01(NaN)).toBeNaN();
    let s = 7;
    for (let i = 0; i < 10_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = (s / 4294967296) * 3 - 1;
      expect(clamp01(v)).toBe(v < 0 ? 0 : v > 1 ? 1 : v);
    }
  });
  it('clampMax1 keeps everything up to 1 (negatives too) and saturates above', () => {
    for (const v of [-Infinity, -1e300, -2.5, -0.5, 0, 1e-30, 0.7, 1]) expect(Object.is(clampMax1(v), v)).toBe(true);
    for (const v of [1.0000001, 1.9, 2, 7.25, 1e300, Infinity]) expect(clampMax1(v)).toBe(1);
    expect(clampMax1(NaN)).toBeNaN();
  });
});
