import type { Rng } from './random.js';

/**
 * A tiny inlinable generator (Mulberry32) for per-pixel draws inside kernels: augmentation noise,
 * synthetic speckle. It is seeded from an {@link Rng} once per image, so results stay a pure function of
 * the seed while a hot loop avoids a closure call per pixel. {@link Rng} is for choices; this is for millions of samples.
 * @example const fr = FastRandom.from(createRng(7)); fr.next(); fr.normal();
 */
export class FastRandom {
  private s: number;
  private spare = 0;
  private hasSpare = false;

  /** A generator whose state is the 32-bit `seed`. */
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A generator seeded by one draw of `rng` (which advances by one step). */
  static from(rng: Rng): FastRandom {
    return new FastRandom(Math.floor(rng.next() * 4294967296));
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by Marsaglia's polar method (no trigonometry, one log per two draws). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}
