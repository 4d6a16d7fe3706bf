import { describe, expect, it } from 'vitest';
import { compose, cutMix, horizontalFlip, mixUp, oneOf } from './index.js';
import { makeBatch } from '../test/testing.js';

// Image i is constant with value (label + 1) / 10: after mixing, every pixel must equal the soft-label
// weighted value, which ties the image mixing to the label mixing exactly.
function labelled(b: number, c: number) {
  const labels = Int32Array.from({ length: b }, (_, i) => i % c);
  return { ...makeBatch(b, 16, 16, (_x, _y, i) => ((i % c) + 1) / 10), labels, numClasses: c };
}

function expected(soft: Float32Array, i: number, c: number): number {
  let v = 0;
  for (let k = 0; k < c; k++) v += soft[i * c + k]! * ((k + 1) / 10);
  return v;
}

describe('mixUp', () => {
  it('mixes images and labels with the same λ', () => {
    const b = labelled(8, 4);
    const out = mixUp({ alpha: 0.4 }).apply(b, 3);
    expect(out.soft).toHaveLength(8 * 4);
    let mixed = 0;
    for (let i = 0; i < 8; i++) {
      let rowSum = 0;
      for (let k = 0; k < 4; k++) rowSum += out.soft![i * 4 + k]!;
      expect(rowSum).toBeCloseTo(1, 6);
      for (let k = i * 256; k < (i + 1) * 256; k++) expect(out.data[k]).toBeCloseTo(expected(out.soft!, i, 4), 5);
      if (out.soft![i * 4 + (i % 4)]! < 0.999) mixed++;
    }
    expect(mixed).toBeGreaterThan(0);
  });
  it('gives one-hot soft labels when it does not fire, and needs labels', () => {
    const b = labelled(4, 3);
    const out = mixUp({ p: 0 }).apply(b, 1);
    expect(Array.from(out.soft!)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    const { labels: _l, ...noLabels } = b;
    expect(() => mixUp().apply({ ...noLabels }, 1)).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => mixUp({ numClasses: 2 }).apply({ ...b, numClasses: undefined }, 1)).toThrow(expect.objectContaining({ code: 'FPDB_LABEL' }));
  });
  it('cannot be chosen per image', () => {
    expect(() => oneOf([mixUp(), horizontalFlip()])).toThrow(expect.objectContaining({ code: 'FPDB_PIPELINE' }));
  });
});

describe('cutMix', () => {
  it('pastes one box and mixes labels by its exact area', () => {
    const b = labelled(8, 4);
    const out = compose([cutMix({ alpha: 1 })]).apply(b, 7);
    for (let i = 0; i < 8; i++) {
      let mean = 0;
      for (let k = i * 256; k < (i + 1) * 256; k++) mean += out.data[k]!;
      expect(mean / 256).toBeCloseTo(expected(out.soft!, i, 4), 5);
    }
  });
});
