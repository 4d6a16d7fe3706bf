import type { FpdbRecord } from '../record.js';

/** A record → its group key (`undefined`: in no group), or groups of image names. */
export type RecordGroups = ((record: FpdbRecord) => string | undefined) | readonly (readonly string[])[];

/** The group key function of either form: a list of name groups becomes `#<index>` keys. */
export function groupKeyOf(groups: RecordGroups): (record: FpdbRecord) => string | undefined {
  if (typeof groups === 'function') return groups;
  const byName = new Map<string, string>();
  groups.forEach((names, i) => {
    for (const name of names) byName.set(name, `#${i}`);
  });
  return (r) => byName.get(r.imageName);
}

/**
 * The unit each record's patient moves with: patients whose records share a group key are linked
 * (transitively) and move together. A unit is named by its smallest patient id, so without links every
 * patient is its own unit and the unit id is the patient id.
 */
export function patientUnits(records: readonly FpdbRecord[], groups: RecordGroups | undefined): (record: FpdbRecord) => number {
  if (groups === undefined) return (r) => r.patientId;
  const keyOf = groupKeyOf(groups);
  const parent = new Map<number, number>();
  const find = (p: number): number => {
    let root = p;
    while (parent.get(root)! !== root) root = parent.get(root)!;
    for (let q = p; q !== root; ) {
      const next = parent.get(q)!;
      parent.set(q, root);
      q = next;
    }
    return root;
  };
  const firstPatientOfKey = new Map<string, number>();
  for (const r of records) {
    if (!parent.has(r.patientId)) parent.set(r.patientId, r.patientId);
    const key = keyOf(r);
    if (key === undefined) continue;
    const other = firstPatientOfKey.get(key);
    if (other === undefined) {
      firstPatientOfKey.set(key, r.patientId);
      continue;
    }
    const a = find(other);
    const b = find(r.patientId);
    if (a !== b) {
      // The smaller id stays the root, so a unit's id is its smallest patient id.
      parent.set(Math.max(a, b), Math.min(a, b));
    }
  }
  return (r) => find(r.patientId);
}
