import { readFileSync } from 'node:fs';
import { realFixture } from '@fpdb/internal/testing';
import { describe, expect, it } from 'vitest';
import { parseRecord } from './parse-record.js';
import type { FpdbRecord } from './record.js';
import { STRATIFICATION_TOLERANCE, holdOutBy, officialSplit, stratifiedGroupKFold, validationSplit } from './splits.js';
import { PLANES } from './vocabulary.js';

// The real release metadata, shipped in the repo (CC BY 4.0).
const csv = readFileSync(realFixture('FETAL_PLANES_DB_data.csv'), 'utf8');
const [header, ...lines] = csv.trim().split('\n');
const columns = header!.split(';').map((c) => c.trim());
const records: FpdbRecord[] = lines.map((line) => parseRecord(Object.fromEntries(line.split(';').map((v, i) => [columns[i]!, v]))));
const train = officialSplit(records).train;

const patients = (rs: readonly FpdbRecord[]) => new Set(rs.map((r) => r.patientId));
const disjoint = (a: readonly FpdbRecord[], b: readonly FpdbRecord[]) => {
  const pa = patients(a);
  return [...patients(b)].every((p) => !pa.has(p));
};
const shares = (rs: readonly FpdbRecord[]) => PLANES.map((p) => rs.filter((r) => r.plane === p).length / rs.length);
const maxShareGap = (a: readonly FpdbRecord[], b: readonly FpdbRecord[]) => {
  const sa = shares(a);
  return Math.max(...shares(b).map((s, i) => Math.abs(s - sa[i]!)));
};
const SEEDS = Array.from({ length: 20 }, (_, i) => i * 7919 + 1);

describe('officialSplit', () => {
  it('reproduces the release counts, patient-disjoint', () => {
    const { train: tr, test } = officialSplit(records);
    expect(tr).toHaveLength(7129);
    expect(test).toHaveLength(5271);
    expect(patients(tr).size).toBe(896);
    expect(patients(test).size).toBe(896);
    expect(disjoint(tr, test)).toBe(true);
  });
});

describe('validationSplit', () => {
  it.each(SEEDS)('is patient-disjoint, complete, sized and stratified (seed %i)', (seed) => {
    const { train: tr, validation } = validationSplit(train, { seed, fraction: 0.15 });
    expect(disjoint(tr, validation)).toBe(true);
    expect(tr.length + validation.length).toBe(train.length);
    expect(Math.abs(validation.length / train.length - 0.15)).toBeLessThan(0.02);
    expect(maxShareGap(train, validation)).toBeLessThan(STRATIFICATION_TOLERANCE);
  });

  it('is deterministic by seed and varies across seeds', () => {
    const a = validationSplit(train, { seed: 5 }).validation.map((r) => r.imageName);
    expect(validationSplit(train, { seed: 5 }).validation.map((r) => r.imageName)).toEqual(a);
    expect(validationSplit(train, { seed: 6 }).validation.map((r) => r.imageName)).not.toEqual(a);
  });

  it('refuses bad fractions and too few patients', () => {
    expect(() => validationSplit(train, { fraction: 1 })).toThrow(/between 0 and 1/);
    expect(() => validationSplit(train.filter((r) => r.patientId === train[0]!.patientId))).toThrow(/at least 2 patients/);
  });
});

describe('stratifiedGroupKFold', () => {
  it.each(SEEDS.slice(0, 8))('covers every image once, folds patient-disjoint and stratified (seed %i)', (seed) => {
    const folds = stratifiedGroupKFold(train, { k: 5, seed });
    expect(folds).toHaveLength(5);
    const seen = new Set<string>();
    for (const { train: tr, validation } of folds) {
      expect(disjoint(tr, validation)).toBe(true);
      expect(tr.length + validation.length).toBe(train.length);
      expect(maxShareGap(train, validation)).toBeLessThan(STRATIFICATION_TOLERANCE);
      expect(Math.abs(validation.length / train.length - 0.2)).toBeLessThan(0.02);
      for (const r of validation) {
        expect(seen.has(r.imageName)).toBe(false);
        seen.add(r.imageName);
      }
    }
    expect(seen.size).toBe(train.length);
  });

  it('stratifies by any key, e.g. brain sub-plane', () => {
    const brain = train.filter((r) => r.plane === 'Fetal brain');
    const folds = stratifiedGroupKFold(brain, { k: 3, seed: 1, stratifyBy: (r) => r.brainPlane });
    for (const { validation } of folds) {
      const tt = validation.filter((r) => r.brainPlane === 'Trans-thalamic').length / validation.length;
      const all = brain.filter((r) => r.brainPlane === 'Trans-thalamic').length / brain.length;
      expect(Math.abs(tt - all)).toBeLessThan(0.05);
    }
  });

  it('refuses k < 2 and more folds than patients', () => {
    expect(() => stratifiedGroupKFold(train, { k: 1 })).toThrow(/k ≥ 2/);
    expect(() => stratifiedGroupKFold(train.slice(0, 3), { k: 5 })).toThrow(/at least 5 patients/);
  });
});

describe('holdOutBy', () => {
  it('holds out machines with no patient on both sides', () => {
    const { train: tr, test, dropped } = holdOutBy(records, { key: 'usMachine', values: ['Voluson S10', 'Other'] });
    expect(test.every((r) => r.usMachine === 'Voluson S10' || r.usMachine === 'Other')).toBe(true);
    expect(tr.every((r) => r.usMachine === 'Aloka' || r.usMachine === 'Voluson E6')).toBe(true);
    expect(disjoint(tr, test)).toBe(true);
    expect(tr.length + test.length + dropped.length).toBe(records.length);
    expect(test).toHaveLength(1082 + 342);
  });

  it('holds out operators', () => {
    const { train: tr, test } = holdOutBy(records, { key: 'operator', values: ['Op. 3'] });
    expect(test).toHaveLength(3560);
    expect(disjoint(tr, test)).toBe(true);
  });

  it('refuses an empty side', () => {
    expect(() => holdOutBy(records, { key: 'usMachine', values: [] })).toThrow(/at least one/);
    expect(() => holdOutBy(records, { key: 'usMachine', values: ['Voluson E6', 'Aloka', 'Voluson S10', 'Other'] })).toThrow(/both sides/);
  });
});

describe('splits with groups (near-duplicates across patients)', () => {
  // A planted cross-patient group: one image each of three train patients (a chain, so linking is transitive),
  // as @fpdb/audit reports when one woman's frames appear under several patient ids.
  const ids = [...patients(train)];
  const linked = [ids[3]!, ids[40]!, ids[200]!];
  const members = linked.map((p) => train.find((r) => r.patientId === p)!.imageName);
  const groupOf = new Map(members.map((n) => [n, 'g1']));
  const group = (r: FpdbRecord): string | undefined => groupOf.get(r.imageName);
  const sideOf = (sets: readonly (readonly FpdbRecord[])[], name: string): number => sets.findIndex((s) => s.some((r) => r.imageName === name));
  const patientSides = (sets: readonly (readonly FpdbRecord[])[], p: number): Set<number> => new Set(sets.flatMap((s, i) => (s.some((r) => r.patientId === p) ? [i] : [])));

  it.each(SEEDS)('validationSplit never puts a group on both sides, and its patients move whole (seed %i)', (seed) => {
    const { train: tr, validation } = validationSplit(train, { seed, group });
    expect(new Set(members.map((n) => sideOf([tr, validation], n))).size).toBe(1);
    for (const p of linked) expect(patientSides([tr, validation], p)).toEqual(patientSides([tr, validation], linked[0]!));
    expect(disjoint(tr, validation)).toBe(true);
    expect(tr.length + validation.length).toBe(train.length);
  });

  it('straddles the sides for some seed without the group (so the test above can fail)', () => {
    const straddles = SEEDS.some((seed) => {
      const { train: tr, validation } = validationSplit(train, { seed });
      return new Set(members.map((n) => sideOf([tr, validation], n))).size > 1;
    });
    expect(straddles).toBe(true);
  });

  it.each(SEEDS.slice(0, 8))('k-fold keeps a group in one fold (seed %i), also given as a list of names', (seed) => {
    for (const g of [group, [members]]) {
      const folds = stratifiedGroupKFold(train, { k: 5, seed, group: g });
      const validations = folds.map((f) => f.validation);
      expect(new Set(members.map((n) => sideOf(validations, n))).size).toBe(1);
      for (const { train: tr, validation } of folds) expect(disjoint(tr, validation)).toBe(true);
      expect(validations.reduce((s, v) => s + v.length, 0)).toBe(train.length);
    }
  });

  it('is the ungrouped split when no record is in a group', () => {
    const none = (): undefined => undefined;
    expect(validationSplit(train, { seed: 3, group: none }).validation).toEqual(validationSplit(train, { seed: 3 }).validation);
  });

  it('counts linked patients as one when checking there are enough', () => {
    const two = train.filter((r) => r.patientId === ids[0] || r.patientId === ids[1]);
    const link = [[two.find((r) => r.patientId === ids[0])!.imageName, two.find((r) => r.patientId === ids[1])!.imageName]];
    expect(() => validationSplit(two, { group: link })).toThrow(/at least 2 groups of linked patients; these records have 1/);
    expect(() => stratifiedGroupKFold(two, { k: 2, group: link })).toThrow(/at least 2 groups of linked patients/);
  });

  it('holdOutBy drops a duplicate of a held-out image under another patient id', () => {
    const heldImage = records.find((r) => r.usMachine === 'Voluson S10')!;
    const heldPatients = new Set(records.filter((r) => r.usMachine === 'Voluson S10').map((r) => r.patientId));
    const copy = records.find((r) => r.usMachine === 'Aloka' && !heldPatients.has(r.patientId))!;
    const plain = holdOutBy(records, { key: 'usMachine', values: ['Voluson S10'] });
    expect(plain.train).toContain(copy);
    const grouped = holdOutBy(records, { key: 'usMachine', values: ['Voluson S10'], group: [[heldImage.imageName, copy.imageName]] });
    expect(grouped.test).toEqual(plain.test);
    // The copy's whole patient is linked to the held-out patient, so all of its images leave train.
    const copyPatient = records.filter((r) => r.patientId === copy.patientId);
    expect(grouped.dropped).toEqual(expect.arrayContaining(copyPatient));
    expect(grouped.train.some((r) => r.patientId === copy.patientId)).toBe(false);
    expect(grouped.train.length + grouped.test.length + grouped.dropped.length).toBe(records.length);
  });

  it('officialSplit cannot move a group: train images sharing one with a test image are dropped', () => {
    const testImage = records.find((r) => r.split === 'test')!;
    const trainCopy = train[10]!;
    const inTrainOnly = [train[20]!.imageName, train[30]!.imageName];
    const split = officialSplit(records, { group: [[testImage.imageName, trainCopy.imageName], inTrainOnly] });
    expect(split.dropped).toEqual([trainCopy]);
    expect(split.test).toEqual(officialSplit(records).test);
    expect(split.train).toHaveLength(train.length - 1);
    expect(officialSplit(records).dropped).toEqual([]);
  });
});
