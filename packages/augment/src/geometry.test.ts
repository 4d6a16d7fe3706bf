import { describe, expect, it } from 'vitest';
import { affine, compose, elastic, horizontalFlip, randomErasing, randomResizedCrop, rotate } from './index.js';
import { makeBatch, noiseBatch, px } from '../test/testing.js';

describe('horizontalFlip', () => {
  it('mirrors every row exactly', () => {
    const b = noiseBatch(3, 5, 7);
    const out = horizontalFlip({ p: 1 }).apply(b, 1);
    for (let i = 0; i < 3; i++) for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) expect(px(out, i, x, y)).toBe(px(b, i, 6 - x, y));
  });
  it('with p 0.5 flips some images and leaves the others byte-identical', () => {
    const b = noiseBatch(32, 4, 4);
    const out = horizontalFlip({ p: 0.5 }).apply(b, 3);
    let flipped = 0;
    for (let i = 0; i < 32; i++) {
      const same = px(out, i, 0, 0) === px(b, i, 0, 0) && px(out, i, 3, 2) === px(b, i, 3, 2);
      const mirrored = px(out, i, 0, 0) === px(b, i, 3, 0) && px(out, i, 3, 2) === px(b, i, 0, 2);
      expect(same || mirrored).toBe(true);
      if (mirrored) flipped++;
    }
    expect(flipped).toBeGreaterThan(5);
    expect(flipped).toBeLessThan(27);
  });
  it('works on uint8 and returns uint8', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const out = horizontalFlip({ p: 1 }).apply({ data, batch: 1, height: 2, width: 3 }, 0);
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect([...out.data]).toEqual([3, 2, 1, 6, 5, 4]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('rotate', () => {
  it('by +90° moves a known pattern counter-clockwise: out[y][x] = in[x][N−1−y]', () => {
    const n = 9;
    const b = noiseBatch(2, n, n);
    const out = rotate({ degrees: [90, 90] }).apply(b, 1);
    for (let i = 0; i < 2; i++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) expect(px(out, i, x, y)).toBeCloseTo(px(b, i, n - 1 - y, x), 5);
    // The top-middle pixel lands at the left-middle.
    const dot = makeBatch(1, n, n, (x, y) => (x === 4 && y === 0 ? 1 : 0));
    const r = rotate({ degrees: [90, 90] }).apply(dot, 1);
    expect(px(r, 0, 0, 4)).toBeCloseTo(1, 5);
  });
  it('by 0° is the identity and fills the corners with black for 45°', () => {
    const b = noiseBatch(1, 8, 8);
    expect(rotate({ degrees: 0 }).apply(b, 1).data).toEqual(b.data);
    const ones = makeBatch(1, 16, 16, () => 1);
    const r = rotate({ degrees: [45, 45] }).apply(ones, 1);
    expect(px(r, 0, 0, 0)).toBe(0);
    expect(px(r, 0, 8, 8)).toBeCloseTo(1, 6);
  });
});

describe('affine and fusion', () => {
  it('fuses flip then rotate into one map equal to the two applied in turn', () => {
    const n = 7;
    const b = noiseBatch(1, n, n);
    const fused = compose([horizontalFlip({ p: 1 }), rotate({ degrees: [90, 90] })]).apply(b, 1);
    const flipped = horizontalFlip({ p: 1 }).apply(b, 1);
    const twoSteps = rotate({ degrees: [90, 90] }).apply(flipped, 1);
    for (let k = 0; k < n * n; k++) expect(fused.data[k]).toBeCloseTo(twoSteps.data[k]!, 5);
  });
  it('scales about the centre: a 2× zoom maps the centre to itself and doubles distances', () => {
    const n = 21;
    const ramp = makeBatch(1, n, n, (x) => x / (n - 1));
    const out = affine({ translate: [0, 0], scale: [2, 2] }).apply(ramp, 1);
    expect(px(out, 0, 10, 10)).toBeCloseTo(0.5, 6);
    expect(px(out, 0, 14, 3) - px(out, 0, 10, 3)).toBeCloseTo(4 / 2 / (n - 1), 5);
  });
  it('translates by at most the requested fraction', () => {
    const n = 40;
    const dot = makeBatch(16, n, n, (x, y) => (x === 20 && y === 20 ? 1 : 0));
    const out = affine({ translate: [0.1, 0], scale: [1, 1] }).apply(dot, 9);
    for (let i = 0; i < 16; i++) {
      let cx = 0;
      let cy = 0;
      let m = 0;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const v = px(out, i, x, y);
          cx += v * x;
          cy += v * y;
          m += v;
        }
      expect(m).toBeCloseTo(1, 5);
      expect(Math.abs(cx / m - 20)).toBeLessThanOrEqual(4 + 1e-9);
      expect(cy / m).toBeCloseTo(20, 5);
    }
  });
});

describe('randomResizedCrop', () => {
  it('with the whole image is the identity', () => {
    const b = noiseBatch(2, 8, 8);
    expect(randomResizedCrop({ scale: [1, 1], ratio: [1, 1] }).apply(b, 1).data).toEqual(b.data);
  });
  it('a quarter-area crop of a ramp is a ramp of half the slope', () => {
    const n = 32;
    const ramp = makeBatch(4, n, n, (x) => x / (n - 1));
    const out = randomResizedCrop({ scale: [0.25, 0.25], ratio: [1, 1] }).apply(ramp, 2);
    for (let i = 0; i < 4; i++) {
      const slope = px(out, i, 20, 5) - px(out, i, 19, 5);
      expect(slope).toBeCloseTo(0.5 / (n - 1), 5);
      expect(px(out, i, 7, 0)).toBeCloseTo(px(out, i, 7, n - 1), 6);
    }
  });
});

describe('elastic', () => {
  it('with α = 0 is the identity; with α > 0 moves pixels by a few pixels at most', () => {
    const b = noiseBatch(2, 32, 32);
    expect(elastic({ alpha: 0 }).apply(b, 1).data).toEqual(b.data);
    const n = 64;
    const dot = makeBatch(1, n, n, (x, y) => Math.exp(-((x - 32) ** 2 + (y - 32) ** 2) / 8));
    const out = elastic({ alpha: 50, sigma: 5 }).apply(dot, 4);
    expect(out.data).not.toEqual(dot.data);
    let cx = 0;
    let m = 0;
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        cx += px(out, 0, x, y) * x;
        m += px(out, 0, x, y);
      }
    expect(Math.abs(cx / m - 32)).toBeLessThan(5);
  });
});

describe('randomErasing', () => {
  it('blanks exactly one box of the requested area with the value', () => {
    const n = 40;
    const b = makeBatch(8, n, n, () => 0);
    const out = randomErasing({ scale: [0.09, 0.09], ratio: [1, 1], value: 0.7, p: 1 }).apply(b, 5);
    for (let i = 0; i < 8; i++) {
      let count = 0;
      let minX = n;
      let maxX = -1;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++)
          if (px(out, i, x, y) > 0) {
            expect(px(out, i, x, y)).toBeCloseTo(0.7, 6);
            count++;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
          }
      expect(count).toBe(12 * 12);
      expect(maxX - minX + 1).toBe(12);
    }
  });
});
