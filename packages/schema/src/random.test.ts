import { describe, expect, it } from 'vitest';
import { createRng, shuffled } from './random.js';

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one otherwise', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it('is uniform in [0,1) and normal() has mean 0 and variance 1', () => {
    const rng = createRng(7);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it('forks independent streams deterministically without advancing the parent', () => {
    const rng = createRng('seed');
    const before = rng.state;
    const f1 = rng.fork('augment').next();
    expect(rng.state).toBe(before);
    expect(rng.fork('augment').next()).toBe(f1);
    expect(rng.fork('shuffle').next()).not.toBe(f1);
  });

  it('shuffles a copy, keeping every item', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffled(items, createRng(1));
    expect(out).not.toEqual(items);
    expect([...out].sort((x, y) => x - y)).toEqual(items);
    expect(shuffled(items, createRng(1))).toEqual(out);
  });
});
