import { readFileSync } from 'node:fs';
import { computeStats, FpdbError, parseImageName, parseRecord, type FpdbRecord } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { planDataset, type SynthRecord } from './plan.js';
import { realFixture } from '@fpdb/internal/testing';

/** Every violation of the release's structure rules in `records` (empty when all hold). */
function structureProblems(records: readonly SynthRecord[]): string[] {
  const problems: string[] = [];
  const groups = new Map<string, SynthRecord[]>();
  const splitOf = new Map<number, string>();
  for (const r of records) {
    const parts = parseImageName(r.imageName);
    if (parts.patientId !== r.patientId || parts.planeNumber !== r.planeNumber) problems.push(`${r.imageName}: name disagrees with row`);
    const key = `${r.patientId}/${r.planeNumber}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
    if ((splitOf.get(r.patientId) ?? r.split) !== r.split) problems.push(`patient ${r.patientId} in both splits`);
    splitOf.set(r.patientId, r.split);
    if ((r.operator === 'Op. 1' || r.operator === 'Op. 2') && r.usMachine !== 'Voluson E6') problems.push(`${r.imageName}: ${r.operator} on ${r.usMachine}`);
    if (r.operator === 'Op. 3' && r.usMachine !== 'Aloka') problems.push(`${r.imageName}: Op. 3 on ${r.usMachine}`);
    if ((r.brainPlane === 'Not A Brain') !== (r.plane !== 'Fetal brain')) problems.push(`${r.imageName}: brain plane ${r.brainPlane} on ${r.plane}`);
  }
  for (const [key, rows] of groups) {
    // K is the number of frames written, and frames are 1..K in order.
    rows.forEach((r, i) => {
      if (r.frame !== i + 1 || r.frames !== rows.length) problems.push(`${key}: ${r.imageName} in a group of ${rows.length}`);
    });
  }
  const ids = [...new Set(records.map((r) => r.patientId))];
  if (ids.some((id, i) => id !== i + 1)) problems.push('patients are not numbered 1..P in order');
  return problems;
}

function readCsv(text: string): FpdbRecord[] {
  const [header, ...lines] = text.slice(0, -1).split('\n');
  const names = header!.split(';').map((n) => n.trim());
  return lines.map((line) => parseRecord(Object.fromEntries(line.split(';').map((v, i) => [names[i]!, v]))));
}

describe('planDataset', () => {
  it("matches the real release's shares at 2,000 images (10 seeds)", () => {
    const real = computeStats(readCsv(readFileSync(realFixture('FETAL_PLANES_DB_data.csv'), 'latin1')));
    // Tolerances, in share points: planes 1, brain planes 1.5, machines and operators 4, split 0.5
    // (worst cases over 30 seeds at 2,000 images: 0.04, 0.74, 1.5 and 3.4, 0.01).
    const tolerance: [keyof typeof real, number][] = [
      ['byPlane', 0.01],
      ['byBrainPlane', 0.015],
      ['byMachine', 0.04],
      ['byOperator', 0.04],
      ['bySplit', 0.005],
    ];
    for (let seed = 0; seed < 10; seed++) {
      const ours = computeStats(planDataset({ images: 2000, seed }).records);
      expect(ours.images).toBe(2000);
      for (const [family, tol] of tolerance) {
        const a = ours[family] as Record<string, number>;
        const b = real[family] as Record<string, number>;
        for (const key of Object.keys(b)) expect(Math.abs((a[key] ?? 0) / ours.images - b[key]! / real.images), `seed ${seed} ${family} ${key}`).toBeLessThanOrEqual(tol);
      }
      expect(ours.patientsBySplit.train! + ours.patientsBySplit.test!).toBe(ours.patients);
    }
  });

  it('detects broken structure (the checker can fail)', () => {
    const records = planDataset({ images: 50, seed: 1 }).records.map((r) => ({ ...r }));
    records[0]!.frames += 1;
    records[1]!.operator = 'Op. 3';
    records[1]!.usMachine = 'Voluson S10';
    expect(structureProblems(records).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the real per-patient structure at every scale', () => {
    for (const images of [1, 2, 37, 500, 3000, 12_399, 12_400]) {
      const plan = planDataset({ images, seed: 11 });
      expect(plan.records).toHaveLength(images);
      expect(structureProblems(plan.records)).toEqual([]);
    }
  });

  it('gives patients with several planes and frames, and a train/test split in the real ratio', () => {
    const { records, patients } = planDataset({ images: 1000, seed: 2 });
    const planes = new Map<number, Set<number>>();
    for (const r of records) planes.set(r.patientId, (planes.get(r.patientId) ?? new Set()).add(r.planeNumber));
    expect([...planes.values()].filter((s) => s.size >= 3).length).toBeGreaterThan(patients / 5);
    expect(records.some((r) => r.frames >= 5)).toBe(true);
    expect(records.filter((r) => r.split === 'train').length).toBe(Math.round((1000 * 7129) / 12_400));
  });

  it('reproduces the release exactly with images: 12400, whatever the seed', () => {
    const real = readFileSync(realFixture('FETAL_PLANES_DB_data.csv'), 'latin1').split('\n').slice(1, -1);
    const names = planDataset({ images: 12_400, seed: 99 }).records.map((r) => r.imageName);
    expect(names).toEqual(real.map((line) => line.split(';')[0]));
  });

  it('takes whole real patients with { patients }', () => {
    const plan = planDataset({ patients: 20, seed: 4 });
    expect(plan.patients).toBe(20);
    expect(structureProblems(plan.records)).toEqual([]);
    const train = new Set(plan.records.filter((r) => r.split === 'train').map((r) => r.patientId));
    expect(train.size).toBe(10);
  });

  it('draws real sizes per device, or the size asked for', () => {
    const real = planDataset({ images: 400, seed: 3 }).records;
    for (const r of real) {
      if (r.usMachine === 'Voluson S10') expect([r.width, r.height]).toEqual([1137, 787]);
      if (r.operator === 'Op. 3') expect(['640x392', '740x448']).toContain(`${r.width}x${r.height}`);
    }
    expect(new Set(real.map((r) => `${r.width}x${r.height}`)).size).toBeGreaterThan(4);
    const fixed = planDataset({ images: 50, seed: 3, size: { width: 64, height: 48 } }).records;
    expect(fixed.every((r) => r.width === 64 && r.height === 48)).toBe(true);
  });

  it('is deterministic in the seed', () => {
    expect(planDataset({ images: 300, seed: 8 })).toEqual(planDataset({ images: 300, seed: 8 }));
    expect(planDataset({ images: 300, seed: 8 }).records.map((r) => r.plane)).not.toEqual(planDataset({ images: 300, seed: 9 }).records.map((r) => r.plane));
  });

  it('rejects bad options with FPDB_INVALID_ARGUMENT', () => {
    const bad = [
      {},
      { images: 10, patients: 2 },
      { images: 0 },
      { images: 12_401 },
      { images: 2.5 },
      { patients: 1793 },
      { images: 5, seed: Number.NaN },
      { images: 5, size: { width: 8, height: 64 } },
    ];
    for (const options of bad) {
      expect(() => planDataset(options)).toThrow(FpdbError);
      try {
        planDataset(options);
      } catch (e) {
        expect((e as FpdbError).code).toBe('FPDB_INVALID_ARGUMENT');
      }
    }
  });
});
