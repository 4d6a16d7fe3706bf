import { createRng } from '@fpdb/schema';
import type { ParamSpec } from '../model/types.js';

/** Initial values of one parameter, seeded per parameter name so order changes never change values. */
export function initValues(spec: ParamSpec, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  switch (spec.init) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'he': {
      const rng = createRng(seed).fork(spec.name);
      const std = Math.sqrt(2 / Math.max(1, spec.fanIn));
      for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
      return out;
    }
    case 'glorot': {
      const rng = createRng(seed).fork(spec.name);
      const limit = Math.sqrt(6 / Math.max(1, spec.fanIn + spec.fanOut));
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
      return out;
    }
  }
}
