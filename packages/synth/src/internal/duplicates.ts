import { createRng, FpdbError, shuffled, type Rng } from '@fpdb/schema';
import type { SynthRecord } from './plan.js';

/** The file listing planted duplicates, beside the CSV. */
export const DUPLICATES_FILE = 'duplicates.json';

/** How a planted copy differs from its source. */
export const DUPLICATE_KINDS = ['exact', 'shift', 'noise', 'contrast', 'recompress'] as const;
/** One of {@link DUPLICATE_KINDS}. */
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];
/** Where a planted copy sits relative to its source. */
export const DUPLICATE_SCOPES = ['within-patient', 'cross-patient', 'cross-split'] as const;
/** One of {@link DUPLICATE_SCOPES}. */
export type DuplicateScope = (typeof DUPLICATE_SCOPES)[number];

/** What duplicates to plant: `count` copies, kinds and scopes taken in turn. */
export interface DuplicateOptions {
  /** Number of planted copies (each overwrites one other image's pixels; the CSV is unchanged). */
  count: number;
  /** Default: every kind. */
  kinds?: readonly DuplicateKind[];
  /** Default: every scope. */
  scopes?: readonly DuplicateScope[];
}

/** One planted duplicate: the image `copy` shows `source`'s pixels, changed by `kind`. */
export interface PlantedDuplicate {
  source: string;
  copy: string;
  kind: DuplicateKind;
  scope: DuplicateScope;
}

/**
 * Chooses which images become copies of which (same plane, so labels agree; same pixel size, so an `exact` copy is pixel-identical): for `within-patient` another
 * frame of the source's patient, for `cross-patient` another patient of the same split, for `cross-split`
 * a patient of the other split. No image is both a source and a copy, or a copy twice. Seeded.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a bad count or kind, or when the records cannot hold that many copies.
 */
export function planDuplicates(records: readonly SynthRecord[], options: DuplicateOptions, seed: number): PlantedDuplicate[] {
  const { count, kinds = DUPLICATE_KINDS, scopes = DUPLICATE_SCOPES } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new FpdbError('FPDB_INVALID_ARGUMENT', `duplicates.count must be a whole number ≥ 0; got ${count}.`, { details: { value: count } });
  const badKind = kinds.find((k) => !DUPLICATE_KINDS.includes(k));
  const badScope = scopes.find((s) => !DUPLICATE_SCOPES.includes(s));
  if (kinds.length === 0 || scopes.length === 0 || badKind !== undefined || badScope !== undefined) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `duplicates.kinds are ${DUPLICATE_KINDS.join(', ')} and scopes ${DUPLICATE_SCOPES.join(', ')}; got ${JSON.stringify({ kinds, scopes })}.`, {
      details: { value: { kinds, scopes } },
    });
  }
  const rng = createRng(seed).fork('duplicates');
  const used = new Set<string>();
  const order = shuffled(records, rng.fork('sources'));
  const planted: PlantedDuplicate[] = [];
  let cursor = 0;
  for (let n = 0; n < count; n++) {
    const kind = kinds[n % kinds.length]!;
    const scope = scopes[Math.floor(n / kinds.length) % scopes.length]!;
    const fits = (s: SynthRecord, t: SynthRecord): boolean =>
      !used.has(t.imageName) &&
      t.imageName !== s.imageName &&
      t.plane === s.plane &&
      t.brainPlane === s.brainPlane &&
      t.width === s.width &&
      t.height === s.height &&
      (scope === 'within-patient' ? t.patientId === s.patientId : t.patientId !== s.patientId && (scope === 'cross-split') === (t.split !== s.split));
    let found: PlantedDuplicate | undefined;
    const pick = rng.fork(n);
    for (let tries = 0; tries < order.length && !found; tries++, cursor = (cursor + 1) % order.length) {
      const s = order[cursor]!;
      if (used.has(s.imageName)) continue;
      const targets = records.filter((t) => fits(s, t));
      if (targets.length === 0) continue;
      const t = targets[pick.int(targets.length)]!;
      found = { source: s.imageName, copy: t.imageName, kind, scope };
    }
    if (!found) {
      throw new FpdbError(
        'FPDB_INVALID_ARGUMENT',
        `Cannot plant ${count} duplicates (${scope}) in ${records.length} images: ran out of free images after ${planted.length}. Plant fewer or generate more images.`,
        {
          details: { value: count },
        },
      );
    }
    used.add(found.source);
    used.add(found.copy);
    planted.push(found);
  }
  return planted;
}

// JPEG's luminance quantization table (ITU T.81, Annex K), scaled to quality 50.
const JPEG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const DCT8 = Float64Array.from({ length: 64 }, (_, i) => {
  const u = Math.floor(i / 8);
  const x = i % 8;
  return (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

/** Re-compression as a JPEG at quality 50 would do it: 8×8 block DCT, quantization, inverse. */
function recompress(src: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = src[Math.min(height - 1, by + y) * width + Math.min(width - 1, bx + x)]! - 128;
      // Forward: rows, then columns; quantize; inverse: columns, then rows.
      for (let y = 0; y < 8; y++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let x = 0; x < 8; x++) s += DCT8[u * 8 + x]! * block[y * 8 + x]!;
          tmp[y * 8 + u] = s;
        }
      for (let v = 0; v < 8; v++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let y = 0; y < 8; y++) s += DCT8[v * 8 + y]! * tmp[y * 8 + u]!;
          const q = JPEG_LUMA[v * 8 + u]!;
          block[v * 8 + u] = Math.round(s / q) * q;
        }
      for (let y = 0; y < 8; y++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let v = 0; v < 8; v++) s += DCT8[v * 8 + y]! * block[v * 8 + u]!;
          tmp[y * 8 + u] = s;
        }
      for (let y = 0; y < 8 && by + y < height; y++)
        for (let x = 0; x < 8 && bx + x < width; x++) {
          let s = 0;
          for (let u = 0; u < 8; u++) s += DCT8[u * 8 + x]! * tmp[y * 8 + u]!;
          out[(by + y) * width + bx + x] = Math.max(0, Math.min(255, Math.round(s + 128)));
        }
    }
  }
  return out;
}

/**
 * The pixels of a planted copy: `exact` the source itself; `shift` moved by 0.5–1% of the width and
 * height (at least a pixel) (uncovered border black); `noise` Gaussian, σ 4; `contrast` gain 0.88–1.12 and offset ±8;
 * `recompress` a JPEG-like quality-50 round trip. Deterministic in `rng`.
 */
export function applyDuplicate(src: Uint8Array, width: number, height: number, kind: DuplicateKind, rng: Rng): Uint8Array {
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  switch (kind) {
    case 'exact':
      return src.slice();
    case 'shift': {
      const sign = (): number => (rng.next() < 0.5 ? -1 : 1);
      const dx = sign() * Math.max(1, Math.round(width * (0.005 + 0.005 * rng.next())));
      const dy = sign() * Math.max(1, Math.round(height * (0.005 + 0.005 * rng.next())));
      const out = new Uint8Array(src.length);
      for (let y = 0; y < height; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= height) continue;
        for (let x = 0; x < width; x++) {
          const sx = x - dx;
          if (sx >= 0 && sx < width) out[y * width + x] = src[sy * width + sx]!;
        }
      }
      return out;
    }
    case 'noise':
      return src.map((v) => clamp(v + 4 * rng.normal()));
    case 'contrast': {
      const gain = rng.uniform(0.88, 1.12);
      const offset = rng.uniform(-8, 8);
      return src.map((v) => clamp(v * gain + offset));
    }
    case 'recompress':
      return recompress(src, width, height);
  }
}
