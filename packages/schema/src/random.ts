/**
 * A small seeded random source (SplitMix32 → Mulberry32-style mixing), the same sequence on every
 * machine and in browsers. fpdb uses it for every random choice: splits, shuffles, augmentation, synth.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A new independent generator derived from this one's state and a label; does not advance this one. */
  fork(label: string | number): Rng;
  /** The current internal state; `createRng(state)` continues the same sequence. */
  readonly state: number;
}

function hashLabel(label: string | number): number {
  const s = String(label);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * Creates a seeded generator. Any finite number or string is a seed.
 * @example const rng = createRng(42); rng.next(); rng.int(10);
 */
export function createRng(seed: number | string): Rng {
  let state = typeof seed === 'string' ? hashLabel(seed) : (Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 2 ** 32);
  state >>>= 0;
  let spare: number | undefined;
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix(state);
  };
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor((nextU32() / 4294967296) * n),
    uniform: (min, max) => min + (nextU32() / 4294967296) * (max - min),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = nextU32() / 4294967296;
      const v = nextU32() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createRng(mix(state ^ hashLabel(label)) ^ 0x5bd1e995),
    get state() {
      return state;
    },
  };
  return rng;
}

/** Fisher–Yates shuffle of a copy of `items`, seeded. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
