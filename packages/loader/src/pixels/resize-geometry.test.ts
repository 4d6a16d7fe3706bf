import { describe, expect, it } from 'vitest';
import { checkPixelOptions, resizeGeometry } from './resize-geometry.js';

describe('resizeGeometry', () => {
  it('stretches to the exact size', () => {
    expect(resizeGeometry(959, 661, 128, 128, 'stretch')).toEqual({ policy: 'stretch', scaledWidth: 128, scaledHeight: 128, offsetX: 0, offsetY: 0 });
  });
  it('pads: keeps the aspect ratio and centres the image', () => {
    const g = resizeGeometry(960, 660, 128, 128, 'pad');
    expect(g).toEqual({ policy: 'pad', scaledWidth: 128, scaledHeight: 88, offsetX: 0, offsetY: 20 });
    expect(resizeGeometry(300, 600, 100, 100, 'pad')).toMatchObject({ scaledWidth: 50, scaledHeight: 100, offsetX: 25, offsetY: 0 });
  });
  it('crops: covers the output and takes the centre', () => {
    const g = resizeGeometry(960, 660, 128, 128, 'crop');
    expect(g).toEqual({ policy: 'crop', scaledWidth: 186, scaledHeight: 128, offsetX: 29, offsetY: 0 });
    expect(g.offsetX + 128).toBeLessThanOrEqual(g.scaledWidth);
  });
  it('never produces an empty or overflowing image for extreme aspects', () => {
    for (const policy of ['pad', 'crop'] as const) {
      for (const [w, h] of [
        [1, 5000],
        [5000, 1],
        [7, 7],
        [224, 224],
      ] as const) {
        const g = resizeGeometry(w, h, 224, 128, policy);
        expect(g.scaledWidth).toBeGreaterThanOrEqual(1);
        expect(g.scaledHeight).toBeGreaterThanOrEqual(1);
        if (policy === 'pad') expect(g.offsetX * 2 + g.scaledWidth).toBeLessThanOrEqual(224);
        else expect(g.offsetY + 128).toBeLessThanOrEqual(g.scaledHeight);
      }
    }
  });
});

describe('checkPixelOptions', () => {
  it('refuses bad sizes and policies', () => {
    expect(() => checkPixelOptions({ height: 0, width: 10 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => checkPixelOptions({ height: 10, width: 1.5 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => checkPixelOptions({ height: 10, width: 10, policy: 'zoom' as never })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => checkPixelOptions({ height: 10, width: 10, maxPixels: 0 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
  });
});
