import { describe, expect, it } from 'vitest';
import { isFpdbError } from './errors.js';
import { RESIZE_POLICIES, formatNormalization, isResizePolicy, normalizationAffine, normalizeInto, parsePreprocess } from './preprocess.js';

describe('parsePreprocess', () => {
  it('fills the defaults and keeps what was given', () => {
    expect(parsePreprocess({ height: 224, width: 200 })).toEqual({ height: 224, width: 200, policy: 'stretch', normalization: 'unit' });
    expect(parsePreprocess({ height: 8, width: 8, policy: 'pad', normalization: { mean: 0.45, std: 0.22 } })).toEqual({
      height: 8,
      width: 8,
      policy: 'pad',
      normalization: { mean: 0.45, std: 0.22 },
    });
  });

  it.each([
    [{ height: 0, width: 8 }, 'height'],
    [{ height: 8, width: 1.5 }, 'width'],
    [{ height: 8, width: 8, policy: 'fit' }, 'resize policy'],
    [{ height: 8, width: 8, normalization: { mean: 0.5, std: 0 } }, 'normalization'],
    [{ height: 8, width: 8, normalization: 'imagenet' }, 'normalization'],
  ])('refuses %j with a coded error naming %s', (input, what) => {
    let error: unknown;
    try {
      parsePreprocess(input as never);
    } catch (e) {
      error = e;
    }
    expect(isFpdbError(error, 'FPDB_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain(what);
  });
});

describe('normalisation', () => {
  it('maps 0 and 255 to the ends of each range', () => {
    const out = new Float32Array(6);
    const px = Uint8Array.of(0, 255);
    normalizeInto(px, out, 0, 'unit');
    normalizeInto(px, out, 2, 'symmetric');
    normalizeInto(px, out, 4, { mean: 0.5, std: 0.25 });
    expect(Array.from(out)).toEqual([0, 1, -1, 1, -2, 2]);
  });

  it('reads as people write it', () => {
    expect(formatNormalization('unit')).toBe('unit: pixel / 255');
    expect(formatNormalization({ mean: 0.449, std: 0.226 })).toBe('(pixel / 255 − 0.449) / 0.226');
  });

  it('gives the affine map of each scheme', () => {
    expect(normalizationAffine('unit')).toEqual({ scale: 1 / 255, shift: 0 });
    expect(normalizationAffine({ mean: 0.449, std: 0.226 }).shift).toBeCloseTo(-0.449 / 0.226, 12);
    expect(() => normalizationAffine({ mean: Number.NaN, std: 1 })).toThrow(/normalization/);
  });
});

it('names the resize policies once', () => {
  expect(RESIZE_POLICIES).toEqual(['stretch', 'pad', 'crop']);
  expect(isResizePolicy('pad')).toBe(true);
  expect(isResizePolicy('contain')).toBe(false);
});
