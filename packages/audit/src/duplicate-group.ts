import type { FpdbRecord } from '@fpdb/schema';

/** One image of a duplicate group: its row and its size. */
export interface DuplicateMember {
  imageName: string;
  patientId: number;
  plane: FpdbRecord['plane'];
  brainPlane: FpdbRecord['brainPlane'];
  operator: FpdbRecord['operator'];
  usMachine: FpdbRecord['usMachine'];
  split: FpdbRecord['split'];
  /** Pixel size of the file (0 when headers were not read). */
  width: number;
  height: number;
  /** sha256 of the decoded full-size gray pixels; only for members of an exact set. */
  contentHash?: string;
}

/** A confirmed link between two members. */
export interface DuplicatePair {
  a: string;
  b: string;
  /** SSIM of the cached pixels, averaged 2×2 (1 for an exact pair). */
  ssim: number;
  /** Hamming distance of the perceptual hashes (0–64). */
  hamming: number;
  /** The decoded full-size pixels are identical. */
  exact: boolean;
}

/** Where the members of a group sit relative to each other. */
export interface DuplicateScope {
  /** Every member is one patient's. */
  withinPatient: boolean;
  /** Members of two or more patient ids (the same woman under two ids, or one image under two names). */
  crossPatient: boolean;
  /** Members on both sides of the official train/test split: a leak. */
  crossSplit: boolean;
  /** Members from two or more US machines. */
  crossMachine: boolean;
}

/** A set of images linked by exact or near-duplicate pairs (a connected component). */
export interface DuplicateGroup {
  /** 1-based, in order of the first member's CSV position. */
  id: number;
  /** `exact`: every member has the same decoded pixels; `near`: at least one link is a near-duplicate. */
  kind: 'exact' | 'near';
  members: DuplicateMember[];
  pairs: DuplicatePair[];
  /** Lowest SSIM of the group's links. */
  minSsim: number;
  scope: DuplicateScope;
  /** The members do not all carry the same plane and brain plane. */
  labelsDisagree: boolean;
  /** Distinct patient ids, sorted. */
  patients: number[];
}

/** Builds a group from its members (in CSV order) and links. */
export function describeGroup(id: number, members: DuplicateMember[], pairs: DuplicatePair[]): DuplicateGroup {
  const patients = [...new Set(members.map((m) => m.patientId))].sort((x, y) => x - y);
  const splits = new Set(members.map((m) => m.split));
  const machines = new Set(members.map((m) => m.usMachine));
  const labels = new Set(members.map((m) => `${m.plane}|${m.brainPlane}`));
  const exact = pairs.every((p) => p.exact) && members.every((m) => m.contentHash !== undefined && m.contentHash === members[0]!.contentHash);
  return {
    id,
    kind: exact ? 'exact' : 'near',
    members,
    pairs,
    minSsim: Math.min(...pairs.map((p) => p.ssim)),
    scope: { withinPatient: patients.length === 1, crossPatient: patients.length > 1, crossSplit: splits.size > 1, crossMachine: machines.size > 1 },
    labelsDisagree: labels.size > 1,
    patients,
  };
}
