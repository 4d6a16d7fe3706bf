import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDuplicates, type DuplicateGroup } from '@fpdb/audit/node';
import { openDataset, type Dataset } from '@fpdb/loader/node';
import { generateDataset, type PlantedDuplicate } from '@fpdb/synth/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveExperimentConfig, type ExperimentConfig } from './experiment-config.js';
import { experimentData } from './experiment-data.js';

let dir: string;
let planted: PlantedDuplicate[];
let groups: DuplicateGroup[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fpdb-dedupe-'));
  // A tiny release with planted copies of every kind, within a patient, across patients and across the split.
  const g = await generateDataset({ outDir: dir, images: 240, seed: 4, size: { width: 64, height: 48 }, workers: 0, duplicates: { count: 15 } });
  planted = g.duplicates!;
  groups = (await findDuplicates(await openDataset(dir))).groups;
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = (c: Partial<ExperimentConfig>): ExperimentConfig => resolveExperimentConfig({ data: dir, seed: 2, ...c });
const names = (d: Dataset): Set<string> => new Set(d.records.map((r) => r.imageName));
/** Which of the sets each group has members in. */
const sidesOf = (sets: Dataset[]): number[][] => groups.map((g) => [...new Set(g.members.flatMap((m) => sets.flatMap((s, i) => (names(s).has(m.imageName) ? [i] : []))))]);

describe('experimentData with dedupe', { timeout: 60_000 }, () => {
  it("is the old behaviour with 'none' (the default)", async () => {
    expect(DEFAULT_CONFIG.dedupe).toBe('none');
    const d = await experimentData(config({}));
    expect(d.dedupe).toBeUndefined();
    expect(d.splitDescription).toBe('official patient-disjoint train/test split');
    expect(d.train.size + d.validation.size + d.test.size).toBe(d.dataset.size);
    // Without dedupe the planted cross-split copies leak: a group has members in train and in test.
    expect(sidesOf([d.train, d.validation, d.test]).some((s) => s.includes(2) && s.length > 1)).toBe(true);
  });

  it("'group' with the official split drops train images duplicating a test image, and no group straddles train/validation", async () => {
    const d = await experimentData(config({ dedupe: 'group' }));
    const leaking = planted.filter((p) => p.scope === 'cross-split').length;
    expect(d.dedupe).toMatchObject({ mode: 'group', groups: groups.length });
    expect(d.dedupe!.dropped).toBeGreaterThanOrEqual(leaking - 1); // a shifted copy can fall below the threshold
    expect(d.train.size + d.validation.size + d.test.size).toBe(d.dataset.size - d.dedupe!.dropped);
    expect(d.splitDescription).toContain(`${d.dedupe!.dropped} train images duplicating a test image dropped`);
    for (const sides of sidesOf([d.train, d.validation, d.test])) expect(sides.length).toBeLessThanOrEqual(1);
    // The test set is the published one.
    expect(d.test.size).toBe(d.dataset.records.filter((r) => r.split === 'test').length);
  });

  it("'group' with k-fold keeps each group in one of train, validation and test", async () => {
    const d = await experimentData(config({ dedupe: 'group', testSplit: { kind: 'k-fold', k: 3, fold: 1 } }));
    expect(d.dedupe!.dropped).toBe(0);
    const sides = sidesOf([d.train, d.validation, d.test]);
    // Groups across the official split have their test members outside this pool; the rest sit on one side.
    for (const s of sides) expect(s.length).toBeLessThanOrEqual(1);
    expect(sides.filter((s) => s.length === 1).length).toBeGreaterThan(0);
  });

  it("'drop-within-patient' keeps one image per patient of each group", async () => {
    const d = await experimentData(config({ dedupe: 'drop-within-patient' }));
    const kept = names(d.dataset);
    for (const g of groups) {
      const perPatient = new Map<number, number>();
      for (const m of g.members.filter((x) => kept.has(x.imageName))) perPatient.set(m.patientId, (perPatient.get(m.patientId) ?? 0) + 1);
      expect([...perPatient.values()].every((n) => n === 1)).toBe(true);
      expect(perPatient.size).toBe(g.patients.length);
    }
    const repeats = groups.reduce((s, g) => s + g.members.length - g.patients.length, 0);
    expect(d.dedupe).toMatchObject({ mode: 'drop-within-patient', dropped: repeats });
    expect(repeats).toBeGreaterThan(0);
    expect(d.splitDescription).toContain(`${repeats} repeated images of a patient dropped`);
  });

  it('refuses an unknown dedupe mode', () => {
    expect(() => resolveExperimentConfig({ dedupe: 'all' as never })).toThrow(/dedupe must be none \| group \| drop-within-patient/);
  });
});
