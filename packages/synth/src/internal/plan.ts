import { BRAIN_PLANES, createRng, FpdbError, formatImageName, OPERATORS, PLANES, shuffled, US_MACHINES, type FpdbRecord, type Rng, type Split } from '@fpdb/schema';
import { drawImageSize } from './image-sizes.js';
import { releasePatients, type ReleasePatient, type ReleaseRow } from './release-table.js';

/** The release's image count: `images: 12400` reproduces its metadata exactly. */
export const RELEASE_IMAGES = 12_400;
/** The release's patient count. */
export const RELEASE_PATIENTS_COUNT = 1_792;
/**
 * How many upcoming patients (in seeded random order) the greedy selection compares. 64 keeps machine
 * and operator shares within ~3.5 points of the release's at 2,000 images (worst of 30 seeds); 8 gave 6.
 */
const WINDOW = 64;
/** Images a plane may exceed its target by while patients are picked (the split total is exact regardless). */
const SLACK = 0.5;

/** A record of a synthetic dataset: the CSV row plus the pixel size of its image. */
export interface SynthRecord extends FpdbRecord {
  /** Image width in pixels. */
  width: number;
  /** Image height in pixels. */
  height: number;
}

/** What to plan: a number of images or of patients, a seed, and optionally one size for every image. */
export interface PlanOptions {
  /** Number of images, 1–12,400. Exactly one of `images` and `patients`. */
  images?: number;
  /** Number of patients (all their real frames), 1–1,792. Exactly one of `images` and `patients`. */
  patients?: number;
  /** Seed of every random choice (default 0). Same options and seed, same dataset. */
  seed?: number;
  /** One size for every image, in pixels; default: the real sizes, drawn per device. */
  size?: { width: number; height: number };
}

/** The metadata of a synthetic dataset, before any pixel is drawn. */
export interface SynthPlan {
  seed: number;
  /** Rows in CSV order (by patient, then the release's row order). */
  records: SynthRecord[];
  patients: number;
}

function invalid(message: string, value: unknown): FpdbError {
  return new FpdbError('FPDB_INVALID_ARGUMENT', message, { details: { value } });
}

/** Validates plan options, throwing FPDB_INVALID_ARGUMENT with what to pass instead. */
export function checkPlanOptions(options: PlanOptions): void {
  const { images, patients, seed = 0, size } = options;
  if ((images === undefined) === (patients === undefined)) {
    throw invalid('Pass exactly one of { images } (1–12400) or { patients } (1–1792).', { images, patients });
  }
  if (images !== undefined && !(Number.isInteger(images) && images >= 1 && images <= RELEASE_IMAGES)) {
    throw invalid(`images must be an integer from 1 to ${RELEASE_IMAGES} (the release's size); got ${images}.`, images);
  }
  if (patients !== undefined && !(Number.isInteger(patients) && patients >= 1 && patients <= RELEASE_PATIENTS_COUNT)) {
    throw invalid(`patients must be an integer from 1 to ${RELEASE_PATIENTS_COUNT}; got ${patients}.`, patients);
  }
  if (!Number.isFinite(seed)) throw invalid(`seed must be a finite number; got ${seed}.`, seed);
  if (size !== undefined) {
    const ok = (v: number): boolean => Number.isInteger(v) && v >= 16 && v <= 4096;
    if (!ok(size.width) || !ok(size.height)) {
      throw invalid(`size must be whole pixels from 16 to 4096 on each side; got ${size.width}×${size.height}.`, size);
    }
  }
}

/** A selected patient and the indices of the rows it contributes. */
interface Chosen {
  patient: ReleasePatient;
  rows: number[];
}

/** Key indices a row counts under when matching the release's shares: plane, brain plane, machine, operator. */
const KEY_COUNT = PLANES.length + BRAIN_PLANES.length + US_MACHINES.length + OPERATORS.length;
const rowKeys = new WeakMap<ReleaseRow, Uint8Array>();
function keysOf(row: ReleaseRow): Uint8Array {
  let keys = rowKeys.get(row);
  if (!keys) {
    let o = 0;
    keys = new Uint8Array(4);
    keys[0] = PLANES.indexOf(row.plane);
    keys[1] = (o += PLANES.length) + BRAIN_PLANES.indexOf(row.brainPlane);
    keys[2] = (o += BRAIN_PLANES.length) + US_MACHINES.indexOf(row.usMachine);
    keys[3] = (o += US_MACHINES.length) + OPERATORS.indexOf(row.operator);
    rowKeys.set(row, keys);
  }
  return keys;
}

/** Picks patients of one split whose (possibly trimmed) rows add up to `budget`, following the split's shares. */
function selectSplit(pool: readonly ReleasePatient[], budget: number, rng: Rng): Chosen[] {
  const target = new Float64Array(KEY_COUNT);
  const total = pool.reduce((s, p) => s + p.rows.length, 0);
  for (const p of pool) for (const row of p.rows) for (const k of keysOf(row)) target[k]! += budget / total;
  const count = new Float64Array(KEY_COUNT);
  const add = new Float64Array(KEY_COUNT);
  const queue = shuffled(pool, rng);
  const chosen: Chosen[] = [];
  let filled = 0;
  // Rows a patient would add: in file order, skipping rows whose plane is already at its target, so
  // one patient's long run of frames cannot swamp a small set (its group is trimmed, K follows).
  const keptRows = (p: ReleasePatient, remaining: number, capped: boolean): number[] => {
    add.fill(0);
    const kept: number[] = [];
    for (let i = 0; i < p.rows.length && kept.length < remaining; i++) {
      const keys = keysOf(p.rows[i]!);
      const k = keys[0]!;
      if (capped && count[k]! + add[k]! + 1 > target[k]! + SLACK) continue;
      add[k]! += 1;
      kept.push(i);
    }
    return kept;
  };
  const touched = new Uint8Array(KEY_COUNT);
  while (filled < budget && queue.length > 0) {
    const remaining = budget - filled;
    let best = -1;
    let bestRows: number[] = [];
    // When no patient in the window fits the plane targets (rounding at the end), drop the cap:
    // the split total is always met exactly.
    for (const capped of [true, false]) {
      if (best >= 0) break;
      let bestGain = Number.NEGATIVE_INFINITY;
      for (let w = 0; w < Math.min(WINDOW, queue.length); w++) {
        const rows = queue[w]!.rows;
        const kept = keptRows(queue[w]!, remaining, capped);
        if (kept.length === 0) continue;
        add.fill(0);
        touched.fill(0);
        for (const i of kept)
          for (const k of keysOf(rows[i]!)) {
            add[k]! += 1;
            touched[k] = 1;
          }
        // Gain per image in the distance to the targets: 4 when every image fills a deficit in every family.
        let gain = 0;
        for (let k = 0; k < KEY_COUNT; k++) {
          if (!touched[k]) continue;
          const d = target[k]! - count[k]!;
          gain += Math.abs(d) - Math.abs(d - add[k]!);
        }
        gain /= kept.length;
        if (gain > bestGain + 1e-9) {
          bestGain = gain;
          best = w;
          bestRows = kept;
        }
      }
    }
    const patient = queue.splice(best, 1)[0]!;
    for (const i of bestRows) for (const k of keysOf(patient.rows[i]!)) count[k]! += 1;
    chosen.push({ patient, rows: bestRows });
    filled += bestRows.length;
  }
  return chosen;
}

/**
 * Plans a synthetic dataset's metadata from the real release's patients: which patients, which of
 * their frames, new patient numbers, image names and sizes. `images: 12400` gives the release's
 * metadata exactly (same names, numbers and order); fewer images pick whole real patients (the last
 * one trimmed) per split, in the real train/test ratio, steering toward the release's plane,
 * brain-plane, machine and operator shares.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for bad options.
 * @example planDataset({ images: 200, seed: 1 }).records.length // 200
 */
export function planDataset(options: PlanOptions): SynthPlan {
  checkPlanOptions(options);
  const seed = options.seed ?? 0;
  const rng = createRng(seed).fork('plan');
  const all = releasePatients();
  const bySplit = (split: Split): ReleasePatient[] => all.filter((p) => p.split === split);
  let chosen: Chosen[];
  if (options.images === RELEASE_IMAGES) {
    chosen = all.map((patient) => ({ patient, rows: patient.rows.map((_, i) => i) }));
  } else if (options.images !== undefined) {
    const trainShare = bySplit('train').reduce((s, p) => s + p.rows.length, 0) / RELEASE_IMAGES;
    const train = Math.round(options.images * trainShare);
    chosen = [...selectSplit(bySplit('train'), train, rng.fork('train')), ...selectSplit(bySplit('test'), options.images - train, rng.fork('test'))];
  } else {
    const n = options.patients!;
    const train = Math.round(n / 2);
    chosen = [...shuffled(bySplit('train'), rng.fork('train')).slice(0, train), ...shuffled(bySplit('test'), rng.fork('test')).slice(0, n - train)].map((patient) => ({
      patient,
      rows: patient.rows.map((_, i) => i),
    }));
  }
  // The release's order (by patient number), renumbered 1..P so the name ↔ number rule holds.
  chosen.sort((a, b) => a.patient.id - b.patient.id);
  const records: SynthRecord[] = [];
  const sizeRng = createRng(seed).fork('sizes');
  chosen.forEach(({ patient, rows: kept }, index) => {
    const patientId = index + 1;
    const rows = kept.map((i) => patient.rows[i]!);
    const frames = new Map<number, number>();
    for (const row of rows) frames.set(row.planeNumber, (frames.get(row.planeNumber) ?? 0) + 1);
    const seen = new Map<number, number>();
    const sizes = new Map<string, { width: number; height: number }>();
    const patientSizes = sizeRng.fork(patientId);
    for (const row of rows) {
      const frame = (seen.get(row.planeNumber) ?? 0) + 1;
      seen.set(row.planeNumber, frame);
      const device = `${row.operator}|${row.usMachine}`;
      let size = options.size ?? sizes.get(device);
      if (!size) {
        size = drawImageSize(row.operator, row.usMachine, patientSizes.fork(device));
        sizes.set(device, size);
      }
      const parts = { patientId, planeNumber: row.planeNumber, frame, frames: frames.get(row.planeNumber)! };
      records.push({
        imageName: formatImageName(parts),
        patientId,
        plane: row.plane,
        brainPlane: row.brainPlane,
        operator: row.operator,
        usMachine: row.usMachine,
        split: patient.split,
        planeNumber: row.planeNumber,
        frame,
        frames: parts.frames,
        width: size.width,
        height: size.height,
      });
    }
  });
  return { seed, records, patients: chosen.length };
}
