import { describe, expect, it } from 'vitest';
import { brightness, contrast, gamma, gaussianBlur, gaussianNoise, sharpen, speckleNoise } from './index.js';
import { makeBatch, meanStd, noiseBatch, px } from '../test/testing.js';

describe('brightness, contrast, gamma', () => {
  it('brightness multiplies and clamps at 1', () => {
    const b = makeBatch(2, 4, 4, (x) => (x === 0 ? 0.4 : 0.9));
    const out = brightness({ factor: [1.5, 1.5] }).apply(b, 1);
    expect(px(out, 1, 0, 2)).toBeCloseTo(0.6, 6);
    expect(px(out, 1, 3, 2)).toBe(1);
  });
  it('contrast 0 gives the mean everywhere; contrast 2 doubles deviations', () => {
    const b = noiseBatch(2, 8, 8);
    const { mean } = meanStd(b.data.subarray(0, 64));
    const flat = contrast({ factor: [0, 0] }).apply(b, 1);
    for (let k = 0; k < 64; k++) expect(flat.data[k]).toBeCloseTo(mean, 5);
    const mid = makeBatch(1, 2, 2, (x) => (x === 0 ? 0.4 : 0.6));
    const c2 = contrast({ factor: [2, 2] }).apply(mid, 1);
    expect(px(c2, 0, 0, 0)).toBeCloseTo(0.3, 6);
    expect(px(c2, 0, 1, 0)).toBeCloseTo(0.7, 6);
  });
  it('gamma raises to the power within 1e-5, keeps 0 and applies the gain', () => {
    const b = noiseBatch(2, 16, 16);
    b.data[0] = 0;
    b.data[1] = 0.001;
    const out = gamma({ gamma: [2.2, 2.2] }).apply(b, 1);
    for (let k = 0; k < b.data.length; k++) expect(Math.abs(out.data[k]! - b.data[k]! ** 2.2)).toBeLessThan(1e-5);
    const sq = gamma({ gamma: [0.5, 0.5], gain: [0.5, 0.5] }).apply(
      makeBatch(1, 1, 3, (x) => [0, 0.25, 1][x]!),
      1,
    );
    expect([...sq.data].map((v) => +v.toFixed(5))).toEqual([0, 0.25, 0.5]);
  });
  it('gamma stays within 1e-5 relative of gain·v^γ from tiny values to 1, for γ below and above 1', () => {
    const w = 64;
    const b = makeBatch(1, 64, w, (x, y) => 10 ** (-7 * (1 - (y * w + x) / (w * 64 - 1))));
    b.data[0] = 0;
    b.data[1] = 1e-40; // subnormal
    for (const g of [0.5, 0.8, 1.25, 2.2, 3]) {
      const out = gamma({ gamma: [g, g], gain: [0.9, 0.9] }).apply(b, 1);
      for (let k = 0; k < b.data.length; k++) {
        const want = Math.min(1, 0.9 * b.data[k]! ** g);
        expect(Math.abs(out.data[k]! - want)).toBeLessThanOrEqual(1e-5 * want + 1e-12);
      }
    }
  });
});

describe('noise', () => {
  it('Gaussian noise has the requested mean and standard deviation', () => {
    const b = makeBatch(8, 64, 64, () => 0.5);
    const out = gaussianNoise({ mean: 0.1, std: [0.05, 0.05] }).apply(b, 11);
    const { mean, std } = meanStd(Array.from(out.data, (v, k) => v - b.data[k]!));
    expect(mean).toBeCloseTo(0.1, 2);
    expect(Math.abs(mean - 0.1)).toBeLessThan(0.0015);
    expect(Math.abs(std - 0.05)).toBeLessThan(0.0015);
    // independent between pixels: neighbours are uncorrelated
    let c = 0;
    for (let k = 0; k + 1 < out.data.length; k++) c += (out.data[k]! - 0.6) * (out.data[k + 1]! - 0.6);
    expect(Math.abs(c / out.data.length / 0.0025)).toBeLessThan(0.03);
  });
  it('Gaussian noise has normal tails (Box–Muller draws beyond 3.65σ)', () => {
    const b = makeBatch(8, 128, 128, () => 0);
    const z = gaussianNoise({ std: [1, 1], clip: false }).apply(b, 5).data;
    const n = z.length;
    const beyond = (k: number): number => z.filter((v) => Math.abs(v) > k).length / n;
    // two-sided normal tail probabilities, checked to within 4 binomial standard errors
    for (const [k, p] of [
      [0.5, 0.617075],
      [1, 0.317311],
      [2, 0.0455003],
      [3, 0.0026998],
    ] as const) {
      expect(Math.abs(beyond(k) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    let m4 = 0;
    let max = 0;
    for (const v of z) {
      m4 += v ** 4;
      max = Math.max(max, Math.abs(v));
    }
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.1);
    expect(max).toBeGreaterThan(3.65);
  });
  it('speckle noise is multiplicative: std = v·σ, mean unchanged, black stays black', () => {
    const b = makeBatch(8, 64, 64, (x) => (x < 8 ? 0 : 0.5));
    const out = speckleNoise({ std: [0.1, 0.1] }).apply(b, 12);
    const bright = Array.from(out.data).filter((_, k) => b.data[k]! > 0);
    const { mean, std } = meanStd(bright);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.002);
    expect(Math.abs(std - 0.05)).toBeLessThan(0.0015);
    for (let k = 0; k < out.data.length; k++) if (b.data[k] === 0) expect(out.data[k]).toBe(0);
  });
});

describe('gaussianBlur and sharpen', () => {
  it('blurs an impulse into a normalised kernel with variance σ² per axis', () => {
    const n = 41;
    const b = makeBatch(1, n, n, (x, y) => (x === 20 && y === 20 ? 1 : 0));
    const out = gaussianBlur({ sigma: [2, 2], kernelSize: 25 }).apply(b, 1);
    let sum = 0;
    let vx = 0;
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        sum += px(out, 0, x, y);
        vx += px(out, 0, x, y) * (x - 20) ** 2;
      }
    expect(sum).toBeCloseTo(1, 5);
    expect(vx).toBeCloseTo(4, 2);
    expect(px(out, 0, 17, 20)).toBeCloseTo(px(out, 0, 23, 20), 7);
    expect(px(out, 0, 20, 17)).toBeCloseTo(px(out, 0, 17, 20), 7);
  });
  it('keeps a constant image constant up to the borders (reflect padding)', () => {
    const b = makeBatch(2, 10, 12, () => 0.3);
    const out = gaussianBlur({ sigma: [1.5, 1.5] }).apply(b, 1);
    for (const v of out.data) expect(v).toBeCloseTo(0.3, 6);
  });
  it('rejects an even kernel size', () => {
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/odd/);
  });
  it('sharpen with factor 1 is the identity and factor 0 is the 3×3 smoothing', () => {
    const b = noiseBatch(1, 6, 6);
    expect(sharpen({ factor: 1, p: 1 }).apply(b, 1).data).toEqual(b.data);
    const s = sharpen({ factor: 0, p: 1 }).apply(b, 1);
    let acc = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) acc += px(b, 0, 2 + dx, 3 + dy) * (dx === 0 && dy === 0 ? 5 : 1);
    expect(px(s, 0, 2, 3)).toBeCloseTo(acc / 13, 6);
    expect(px(s, 0, 0, 0)).toBe(px(b, 0, 0, 0));
  });
});
