import { PLANE_BY_NUMBER, type BrainPlane, type Operator, type Plane, type Split, type UsMachine } from '@fpdb/schema';
import { RELEASE_PATIENTS, RELEASE_TOKENS } from './release-patients.js';

/** One row of a real patient, in the release's file order. */
export interface ReleaseRow {
  plane: Plane;
  planeNumber: number;
  brainPlane: BrainPlane;
  operator: Operator;
  usMachine: UsMachine;
}

/** One real patient of the release: its number, official split and rows in file order. */
export interface ReleasePatient {
  id: number;
  split: Split;
  rows: readonly ReleaseRow[];
}

let cache: readonly ReleasePatient[] | undefined;

/** The release's 1,792 patients, decoded once from the compact table in release-patients.ts. */
export function releasePatients(): readonly ReleasePatient[] {
  if (cache) return cache;
  const byToken = new Map<string, ReleaseRow>();
  for (const [token, planeNumber, brainPlane, operator, usMachine] of RELEASE_TOKENS) {
    byToken.set(token, {
      plane: PLANE_BY_NUMBER[planeNumber]!,
      planeNumber,
      brainPlane: brainPlane as BrainPlane,
      operator: operator as Operator,
      usMachine: usMachine as UsMachine,
    });
  }
  cache = RELEASE_PATIENTS.split(' ').map((encoded, index) => {
    const rows: ReleaseRow[] = [];
    let i = 1;
    while (i < encoded.length) {
      const row = byToken.get(encoded[i]!)!;
      i++;
      let digits = '';
      while (i < encoded.length && encoded[i]! >= '0' && encoded[i]! <= '9') digits += encoded[i++];
      const n = digits === '' ? 1 : Number(digits);
      for (let k = 0; k < n; k++) rows.push(row);
    }
    return { id: index + 1, split: encoded[0] === '1' ? 'train' : 'test', rows } satisfies ReleasePatient;
  });
  return cache;
}
