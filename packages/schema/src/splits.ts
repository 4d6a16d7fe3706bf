import { FpdbError } from './errors.js';
import { assignPatients } from './internal/group-assign.js';
import type { FpdbRecord } from './record.js';
import type { Operator, UsMachine } from './vocabulary.js';

/** Two disjoint sets of records; no patient is in both. */
export interface TrainTestSplit {
  train: FpdbRecord[];
  test: FpdbRecord[];
}

/** A training set and a validation set carved out of it by patient. */
export interface TrainValidationSplit {
  train: FpdbRecord[];
  validation: FpdbRecord[];
}

/** What a stratified split balances: a record → its stratum (default: the plane). */
export type StratifyBy = (record: FpdbRecord) => string;

const byPlane: StratifyBy = (r) => r.plane;

/**
 * Class shares per bin stay within this many percentage points of the whole set's shares for
 * the real release (tested over many seeds); small sets can deviate more because patients are indivisible.
 */
export const STRATIFICATION_TOLERANCE = 0.03;

/**
 * The release's own patient-disjoint split (the `Train ` column).
 * @example const { train, test } = officialSplit(records); // 7,129 / 5,271 on the release
 */
export function officialSplit(records: readonly FpdbRecord[]): TrainTestSplit {
  return { train: records.filter((r) => r.split === 'train'), test: records.filter((r) => r.split === 'test') };
}

function checkSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new FpdbError('FPDB_SPLIT', `Seed ${seed} is not a finite number.`, { details: { value: seed } });
}

/**
 * Carves a validation set out of `records` (usually the official train split) by patient,
 * stratified by plane (or `stratifyBy`), seeded.
 * @param options.fraction share of images for validation, in (0, 1); default 0.15.
 * @throws FpdbError FPDB_SPLIT for a fraction outside (0, 1) or fewer than 2 patients.
 * @example const { train, validation } = validationSplit(officialSplit(records).train, { seed: 1 });
 */
export function validationSplit(
  records: readonly FpdbRecord[],
  options: { fraction?: number; seed?: number; stratifyBy?: StratifyBy } = {},
): TrainValidationSplit {
  const { fraction = 0.15, seed = 0, stratifyBy = byPlane } = options;
  checkSeed(seed);
  if (!(fraction > 0 && fraction < 1)) {
    throw new FpdbError('FPDB_SPLIT', `Validation fraction ${fraction} must be between 0 and 1 (exclusive).`, { details: { value: fraction } });
  }
  const patients = new Set(records.map((r) => r.patientId));
  if (patients.size < 2) {
    throw new FpdbError('FPDB_SPLIT', `A validation split needs at least 2 patients; these records have ${patients.size}.`, { details: { value: patients.size } });
  }
  const [train, validation] = assignPatients(records, [1 - fraction, fraction], seed, stratifyBy) as [FpdbRecord[], FpdbRecord[]];
  return { train, validation };
}

/**
 * Stratified k-fold by patient: every patient is in exactly one validation fold; class shares per
 * fold follow the whole set's. Seeded.
 * @throws FpdbError FPDB_SPLIT when k < 2 or there are fewer patients than folds.
 * @example for (const { train, validation } of stratifiedGroupKFold(records, { k: 5, seed: 0 })) …
 */
export function stratifiedGroupKFold(
  records: readonly FpdbRecord[],
  options: { k?: number; seed?: number; stratifyBy?: StratifyBy } = {},
): TrainValidationSplit[] {
  const { k = 5, seed = 0, stratifyBy = byPlane } = options;
  checkSeed(seed);
  if (!Number.isInteger(k) || k < 2) throw new FpdbError('FPDB_SPLIT', `k-fold needs an integer k ≥ 2; got ${k}.`, { details: { value: k } });
  const patients = new Set(records.map((r) => r.patientId));
  if (patients.size < k) {
    throw new FpdbError('FPDB_SPLIT', `${k}-fold needs at least ${k} patients; these records have ${patients.size}.`, { details: { value: patients.size } });
  }
  const folds = assignPatients(records, Array.from({ length: k }, () => 1 / k), seed, stratifyBy);
  return folds.map((validation, i) => ({
    validation,
    train: folds.flatMap((f, j) => (j === i ? [] : f)),
  }));
}

/** The result of a hold-out split: `dropped` are images of patients who have images on both sides. */
export interface HoldOutSplit extends TrainTestSplit {
  dropped: FpdbRecord[];
}

/**
 * Holds out every image of the given US machines or operators as the test set (device-shift
 * evaluation). A patient with images on both sides keeps only the held-out ones (in test); the
 * others are `dropped`, so no patient is on both sides.
 * @throws FpdbError FPDB_SPLIT when no value is given or a side would be empty.
 * @example holdOutBy(records, { key: 'usMachine', values: ['Voluson S10', 'Other'] })
 */
export function holdOutBy(
  records: readonly FpdbRecord[],
  options: { key: 'usMachine'; values: readonly UsMachine[] } | { key: 'operator'; values: readonly Operator[] },
): HoldOutSplit {
  const held = new Set<string>(options.values);
  if (held.size === 0) throw new FpdbError('FPDB_SPLIT', `holdOutBy needs at least one ${options.key} value to hold out.`);
  const isHeld = (r: FpdbRecord): boolean => held.has(r[options.key]);
  const patientsHeld = new Set(records.filter(isHeld).map((r) => r.patientId));
  const test: FpdbRecord[] = [];
  const train: FpdbRecord[] = [];
  const dropped: FpdbRecord[] = [];
  for (const r of records) {
    if (isHeld(r)) test.push(r);
    else if (patientsHeld.has(r.patientId)) dropped.push(r);
    else train.push(r);
  }
  if (test.length === 0 || train.length === 0) {
    throw new FpdbError('FPDB_SPLIT', `Holding out ${options.key} ${[...held].join(', ')} leaves ${train.length} train and ${test.length} test images; both sides need images.`, {
      details: { value: [...held] },
    });
  }
  return { train, test, dropped };
}
