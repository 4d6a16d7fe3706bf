import { describe, expect, it } from 'vitest';
import { FastRandom } from './fast-random.js';
import { createRng } from './random.js';

describe('FastRandom', () => {
  it('is Mulberry32: the same sequence for a seed, on every machine', () => {
    const a = new FastRandom(42);
    // Locked so augmentation noise and synthetic speckle never change bytes silently.
    expect([a.nextUint32(), a.nextUint32(), a.nextUint32()]).toEqual([2581720956, 1925393290, 3661312704]);
    const b = new FastRandom(42);
    b.nextUint32();
    expect(b.next()).toBe(1925393290 / 4294967296);
  });

  it('is seeded by one draw of an Rng', () => {
    const rng = createRng(3);
    const seed = Math.floor(createRng(3).next() * 4294967296);
    expect(FastRandom.from(rng).next()).toBe(new FastRandom(seed).next());
    expect(rng.state).not.toBe(createRng(3).state);
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const fr = new FastRandom(7);
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = fr.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = fr.normal();
      sum += z;
      sq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });
});
