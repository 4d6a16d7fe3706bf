import { FpdbError } from '@fpdb/schema';

/**
 * How uint8 pixels become float32: `unit` x/255 → [0, 1] (default); `symmetric` x/127.5 − 1 → [−1, 1];
 * `{ mean, std }` (x/255 − mean) / std.
 */
export type Normalization = 'unit' | 'symmetric' | { mean: number; std: number };

/**
 * Writes `pixels` (uint8) normalised into `out` at `offset`.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for an unknown normalisation or std ≤ 0.
 * @example normalizeInto(pixels, out, 0, 'unit')
 */
export function normalizeInto(pixels: Uint8Array, out: Float32Array, offset: number, normalization: Normalization = 'unit'): void {
  let scale: number;
  let shift: number;
  if (normalization === 'unit') {
    scale = 1 / 255;
    shift = 0;
  } else if (normalization === 'symmetric') {
    scale = 1 / 127.5;
    shift = -1;
  } else if (typeof normalization === 'object' && normalization.std > 0 && Number.isFinite(normalization.mean)) {
    scale = 1 / (255 * normalization.std);
    shift = -normalization.mean / normalization.std;
  } else {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Unknown normalization ${JSON.stringify(normalization)}; use 'unit', 'symmetric' or { mean, std } with std > 0.`, {
      details: { value: normalization },
    });
  }
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! * scale + shift;
}
