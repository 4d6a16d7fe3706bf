import { describe, expect, it } from 'vitest';
import { resizeGray } from './resize-gray.js';

describe('resizeGray', () => {
  it('keeps a constant image constant at any scale', () => {
    const src = new Uint8Array(97 * 61).fill(123);
    for (const [w, h] of [
      [10, 10],
      [200, 150],
      [97, 61],
    ] as const)
      expect(new Set(resizeGray(src, 97, 61, w, h))).toEqual(new Set([123]));
  });
  it('averages when shrinking (no aliasing of a 1-pixel checkerboard)', () => {
    const src = new Uint8Array(64 * 64).map((_, i) => (((i % 64) + Math.floor(i / 64)) % 2 ? 255 : 0));
    const out = resizeGray(src, 64, 64, 8, 8);
    for (const v of out) expect(Math.abs(v - 127.5)).toBeLessThan(8);
  });
  it('pads with black bands and crops the centre', () => {
    const src = new Uint8Array(20 * 10).fill(200);
    const pad = resizeGray(src, 20, 10, 10, 10, 'pad');
    expect(pad[0]).toBe(0);
    expect(pad[5 * 10 + 5]).toBe(200);
    const ramp = new Uint8Array(30 * 10).map((_, i) => (i % 30) * 8);
    const crop = resizeGray(ramp, 30, 10, 10, 10, 'crop');
    expect(crop[0]).toBe(80);
  });
});
