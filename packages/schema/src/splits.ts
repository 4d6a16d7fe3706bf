import { FpdbError } from './errors.js';
import { assignPatients } from './internal/group-assign.js';
import { groupKeyOf, patientUnits, type RecordGroups } from './internal/linked-patients.js';
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
 * Records that must land on one side of a split, such as near-duplicate images (the groups of
 * `@fpdb/audit`'s findDuplicates): a record → its group key (`undefined` when it is in no group), or a
 * list of groups of image names. A split given groups moves the patients of one group as one unit, so a
 * group never straddles train and validation, two folds, or train and a hold-out test set.
 */
export type SplitGroups = RecordGroups;

/**
 * Class shares per bin stay within this many percentage points of the whole set's shares for
 * the real release (tested over many seeds); small sets can deviate more because patients are indivisible.
 */
export const STRATIFICATION_TOLERANCE = 0.03;

/** The official split; `dropped` are train images in a group with a test image (empty without `group`). */
export interface OfficialSplit extends TrainTestSplit {
  dropped: FpdbRecord[];
}

/**
 * The release's own patient-disjoint split (the `Train ` column). It is fixed, so a group across it
 * cannot move: with `group`, each train image that shares a group with a test image is `dropped` (the
 * test set stays the published one, comparable with other work); without, `dropped` is empty.
 * @example const { train, test } = officialSplit(records); // 7,129 / 5,271 on the release
 * @example const { train, dropped } = officialSplit(records, { group: (r) => groupOf.get(r.imageName) });
 */
export function officialSplit(records: readonly FpdbRecord[], options: { group?: SplitGroups } = {}): OfficialSplit {
  const test = records.filter((r) => r.split === 'test');
  const all = records.filter((r) => r.split === 'train');
  if (options.group === undefined) return { train: all, test, dropped: [] };
  const keyOf = groupKeyOf(options.group);
  const inTest = new Set(test.map(keyOf).filter((k) => k !== undefined));
  const leaks = (r: FpdbRecord): boolean => {
    const key = keyOf(r);
    return key !== undefined && inTest.has(key);
  };
  return { train: all.filter((r) => !leaks(r)), test, dropped: all.filter(leaks) };
}

function checkSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new FpdbError('FPDB_SPLIT', `Seed ${seed} is not a finite number.`, { details: { value: seed } });
}

function countUnits(records: readonly FpdbRecord[], unitOf: (r: FpdbRecord) => number, group: SplitGroups | undefined): { count: number; what: string } {
  const count = new Set(records.map(unitOf)).size;
  return { count, what: group === undefined ? 'patients' : 'groups of linked patients' };
}

/**
 * Carves a validation set out of `records` (usually the official train split) by patient,
 * stratified by plane (or `stratifyBy`), seeded. With `group`, linked patients move together.
 * @param options.fraction share of images for validation, in (0, 1); default 0.15.
 * @throws FpdbError FPDB_SPLIT for a fraction outside (0, 1) or fewer than 2 patients (or linked units).
 * @example const { train, validation } = validationSplit(officialSplit(records).train, { seed: 1 });
 */
export function validationSplit(records: readonly FpdbRecord[], options: { fraction?: number; seed?: number; stratifyBy?: StratifyBy; group?: SplitGroups } = {}): TrainValidationSplit {
  const { fraction = 0.15, seed = 0, stratifyBy = byPlane, group } = options;
  checkSeed(seed);
  if (!(fraction > 0 && fraction < 1)) {
    throw new FpdbError('FPDB_SPLIT', `Validation fraction ${fraction} must be between 0 and 1 (exclusive).`, { details: { value: fraction } });
  }
  const unitOf = patientUnits(records, group);
  const units = countUnits(records, unitOf, group);
  if (units.count < 2) {
    throw new FpdbError('FPDB_SPLIT', `A validation split needs at least 2 ${units.what}; these records have ${units.count}.`, { details: { value: units.count } });
  }
  const [train, validation] = assignPatients(records, [1 - fraction, fraction], seed, stratifyBy, unitOf) as [FpdbRecord[], FpdbRecord[]];
  return { train, validation };
}

/**
 * Stratified k-fold by patient: every patient is in exactly one validation fold; class shares per
 * fold follow the whole set's. Seeded. With `group`, linked patients share a fold.
 * @throws FpdbError FPDB_SPLIT when k < 2 or there are fewer patients (or linked units) than folds.
 * @example for (const { train, validation } of stratifiedGroupKFold(records, { k: 5, seed: 0 })) …
 */
export function stratifiedGroupKFold(records: readonly FpdbRecord[], options: { k?: number; seed?: number; stratifyBy?: StratifyBy; group?: SplitGroups } = {}): TrainValidationSplit[] {
  const { k = 5, seed = 0, stratifyBy = byPlane, group } = options;
  checkSeed(seed);
  if (!Number.isInteger(k) || k < 2) throw new FpdbError('FPDB_SPLIT', `k-fold needs an integer k ≥ 2; got ${k}.`, { details: { value: k } });
  const unitOf = patientUnits(records, group);
  const units = countUnits(records, unitOf, group);
  if (units.count < k) {
    throw new FpdbError('FPDB_SPLIT', `${k}-fold needs at least ${k} ${units.what}; these records have ${units.count}.`, { details: { value: units.count } });
  }
  const folds = assignPatients(
    records,
    Array.from({ length: k }, () => 1 / k),
    seed,
    stratifyBy,
    unitOf,
  );
  return folds.map((validation, i) => ({
    validation,
    train: folds.flatMap((f, j) => (j === i ? [] : f)),
  }));
}

/** The result of a hold-out split: `dropped` are images of patients who have images on both sides. */
export interface HoldOutSplit extends TrainTestSplit {
  dropped: FpdbRecord[];
}

/** What {@link holdOutBy} holds out, and the groups that must not straddle it. */
export type HoldOutOptions = ({ key: 'usMachine'; values: readonly UsMachine[] } | { key: 'operator'; values: readonly Operator[] }) & { group?: SplitGroups };

/**
 * Holds out every image of the given US machines or operators as the test set (device-shift
 * evaluation). A patient with images on both sides keeps only the held-out ones (in test); the
 * others are `dropped`, so no patient is on both sides. With `group`, patients linked by a group count
 * as one: a duplicate of a held-out image under another patient's id is dropped too.
 * @throws FpdbError FPDB_SPLIT when no value is given or a side would be empty.
 * @example holdOutBy(records, { key: 'usMachine', values: ['Voluson S10', 'Other'] })
 */
export function holdOutBy(records: readonly FpdbRecord[], options: HoldOutOptions): HoldOutSplit {
  const held = new Set<string>(options.values);
  if (held.size === 0) throw new FpdbError('FPDB_SPLIT', `holdOutBy needs at least one ${options.key} value to hold out.`);
  const isHeld = (r: FpdbRecord): boolean => held.has(r[options.key]);
  const unitOf = patientUnits(records, options.group);
  const unitsHeld = new Set(records.filter(isHeld).map(unitOf));
  const test: FpdbRecord[] = [];
  const train: FpdbRecord[] = [];
  const dropped: FpdbRecord[] = [];
  for (const r of records) {
    if (isHeld(r)) test.push(r);
    else if (unitsHeld.has(unitOf(r))) dropped.push(r);
    else train.push(r);
  }
  if (test.length === 0 || train.length === 0) {
    throw new FpdbError('FPDB_SPLIT', `Holding out ${options.key} ${[...held].join(', ')} leaves ${train.length} train and ${test.length} test images; both sides need images.`, {
      details: { value: [...held] },
    });
  }
  return { train, test, dropped };
}
