import type { BrainPlane, Operator, Plane, Split, UsMachine } from './vocabulary.js';

/** One row of `FETAL_PLANES_DB_data.csv`, validated and typed. */
export interface FpdbRecord {
  /** `PatientNNNNN_PlaneN_M_of_K`, without extension; the file is `Images/<imageName>.png`. */
  imageName: string;
  /** The `Patient_num` column, 1–1792 in the release; equal to the number in the name. */
  patientId: number;
  plane: Plane;
  brainPlane: BrainPlane;
  operator: Operator;
  usMachine: UsMachine;
  /** The official split (`Train ` column: 1 → train, 0 → test). */
  split: Split;
  /** `N` of `PlaneN` in the name (1–6); encodes the plane. */
  planeNumber: number;
  /** `M` of `M_of_K`: this frame's 1-based index among the patient's images of this plane. */
  frame: number;
  /** `K` of `M_of_K`: the number of the patient's images of this plane. */
  frames: number;
}

/** A raw CSV row: column name (trimmed) → string value (untrimmed, as read). */
export type RawRecord = Readonly<Record<string, string | undefined>>;
