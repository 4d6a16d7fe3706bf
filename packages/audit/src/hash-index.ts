import { popcount32 } from './perceptual-hash.js';

/** Candidate pairs `(a[i], b[i])`, `a < b`, with their Hamming distance `distance[i]`. */
export interface CandidatePairs {
  a: Uint32Array;
  b: Uint32Array;
  distance: Uint8Array;
  /** Pairs whose distance was computed (the work the index did, against n·(n−1)/2 for all pairs). */
  compared: number;
}

/**
 * Every pair of 64-bit hashes (`hashes[2i]`, `hashes[2i+1]`) within `maxDistance` bits, by multi-index
 * hashing: the 64 bits are cut into `maxDistance + 1` chunks, so two hashes that close agree exactly on
 * at least one chunk (pigeonhole); only hashes sharing a chunk value are compared. A pair is emitted
 * once, from the first chunk its hashes share. Deterministic order.
 */
export function candidatePairs(hashes: Uint32Array, maxDistance: number): CandidatePairs {
  const n = hashes.length / 2;
  const chunks = Math.min(64, maxDistance + 1);
  const keys = new Int32Array(n * chunks);
  for (let i = 0; i < n; i++) {
    const hi = hashes[2 * i]!;
    const lo = hashes[2 * i + 1]!;
    for (let c = 0; c < chunks; c++) {
      const from = Math.floor((c * 64) / chunks);
      const to = Math.floor(((c + 1) * 64) / chunks);
      let key = 0;
      for (let bit = from; bit < to; bit++) key = (key << 1) | (bit < 32 ? (hi >>> (31 - bit)) & 1 : (lo >>> (63 - bit)) & 1);
      keys[i * chunks + c] = key;
    }
  }
  const a: number[] = [];
  const b: number[] = [];
  const distance: number[] = [];
  let compared = 0;
  for (let c = 0; c < chunks; c++) {
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const k = keys[i * chunks + c]!;
      let list = buckets.get(k);
      if (!list) buckets.set(k, (list = []));
      list.push(i);
    }
    for (const list of buckets.values()) {
      for (let x = 0; x < list.length; x++) {
        const i = list[x]!;
        for (let y = x + 1; y < list.length; y++) {
          const j = list[y]!;
          let seen = false;
          for (let e = 0; e < c && !seen; e++) seen = keys[i * chunks + e] === keys[j * chunks + e];
          if (seen) continue;
          compared++;
          const d = popcount32(hashes[2 * i]! ^ hashes[2 * j]!) + popcount32(hashes[2 * i + 1]! ^ hashes[2 * j + 1]!);
          if (d <= maxDistance) {
            a.push(i);
            b.push(j);
            distance.push(d);
          }
        }
      }
    }
  }
  return { a: Uint32Array.from(a), b: Uint32Array.from(b), distance: Uint8Array.from(distance), compared };
}
