import type { FpdbRecord } from './record.js';
import { BRAIN_PLANES, OPERATORS, PLANES, SPLITS, US_MACHINES } from './vocabulary.js';

/** Counts over a set of records. Maps are keyed by the release's spellings (and `train`/`test`). */
export interface DatasetStats {
  images: number;
  patients: number;
  byPlane: Record<string, number>;
  byBrainPlane: Record<string, number>;
  byMachine: Record<string, number>;
  byOperator: Record<string, number>;
  bySplit: Record<string, number>;
  /** Distinct patients per split. */
  patientsBySplit: Record<string, number>;
}

function zeros(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}

/**
 * Counts images and patients by plane, brain plane, machine, operator and split.
 * @example computeStats(records).byPlane['Fetal brain']
 */
export function computeStats(records: readonly FpdbRecord[]): DatasetStats {
  const byPlane = zeros(PLANES);
  const byBrainPlane = zeros(BRAIN_PLANES);
  const byMachine = zeros(US_MACHINES);
  const byOperator = zeros(OPERATORS);
  const bySplit = zeros(SPLITS);
  const patients = new Set<number>();
  const patientsPerSplit = { train: new Set<number>(), test: new Set<number>() };
  for (const r of records) {
    byPlane[r.plane]! += 1;
    byBrainPlane[r.brainPlane]! += 1;
    byMachine[r.usMachine]! += 1;
    byOperator[r.operator]! += 1;
    bySplit[r.split]! += 1;
    patients.add(r.patientId);
    patientsPerSplit[r.split].add(r.patientId);
  }
  return {
    images: records.length,
    patients: patients.size,
    byPlane,
    byBrainPlane,
    byMachine,
    byOperator,
    bySplit,
    patientsBySplit: { train: patientsPerSplit.train.size, test: patientsPerSplit.test.size },
  };
}
