import { describe, expect, it } from 'vitest';
import { bootstrap } from './bootstrap.js';
import { pairedBootstrap } from './paired-bootstrap.js';

// 40 images of 10 patients, 3 classes; A right on 24, B right on the same 24 plus 8 more.
const yTrue = Array.from({ length: 40 }, (_, i) => i % 3);
const groups = Array.from({ length: 40 }, (_, i) => `p${Math.floor(i / 4)}`);
const predA = yTrue.map((y, i) => (i % 5 < 3 ? y : (y + 1) % 3));
const predB = yTrue.map((y, i) => (i % 5 < 4 ? y : (y + 1) % 3));

describe('pairedBootstrap', () => {
  it('bounds the difference B − A, resampling patients once for both models', () => {
    const d = pairedBootstrap({ accuracy: 'accuracy', macroF1: 'macroF1' }, { yTrue, yPred: predA }, { yTrue, yPred: predB }, { groups, resamples: 300, seed: 1 });
    expect(d.accuracy.a).toBeCloseTo(24 / 40);
    expect(d.accuracy.b).toBeCloseTo(32 / 40);
    expect(d.accuracy.difference).toBeCloseTo(0.2);
    expect(d.accuracy.unit).toBe('group');
    expect(d.accuracy.units).toBe(10);
    // B is never worse on any image, so no resample can favour A.
    expect(d.accuracy.low).toBeGreaterThan(0);
    expect(d.accuracy.shareBBetter).toBe(1);
    expect(d.macroF1.low).toBeLessThanOrEqual(d.macroF1.difference);
    expect(d.macroF1.high).toBeGreaterThanOrEqual(d.macroF1.difference);
    // Pairing makes the difference tighter than the two models' own intervals.
    const ia = bootstrap('accuracy', { yTrue, yPred: predA }, { groups, resamples: 300, seed: 1 });
    expect(d.accuracy.high - d.accuracy.low).toBeLessThan(ia.high - ia.low);
  });

  it('is zero for a model against itself, and deterministic for a seed', () => {
    const same = pairedBootstrap({ accuracy: 'accuracy' }, { yTrue, yPred: predA }, { yTrue, yPred: predA }, { groups, resamples: 50, seed: 2 });
    expect([same.accuracy.low, same.accuracy.high, same.accuracy.difference]).toEqual([0, 0, 0]);
    const run = () => pairedBootstrap({ f: 'macroF1' }, { yTrue, yPred: predA }, { yTrue, yPred: predB }, { resamples: 50, seed: 'x' });
    expect(run()).toEqual(run());
  });

  it('refuses predictions of different images', () => {
    expect(() => pairedBootstrap({ a: 'accuracy' }, { yTrue, yPred: predA }, { yTrue: yTrue.slice(1), yPred: predB.slice(1) })).toThrow(expect.objectContaining({ code: 'FPDB_LENGTH_MISMATCH' }));
    const shifted = [...yTrue.slice(1), yTrue[0]!];
    expect(() => pairedBootstrap({ a: 'accuracy' }, { yTrue, yPred: predA }, { yTrue: shifted, yPred: predB })).toThrow(expect.objectContaining({ code: 'FPDB_LABEL' }));
  });
});
