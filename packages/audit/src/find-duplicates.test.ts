import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFixture } from '@fpdb/internal/testing';
import { openDataset } from '@fpdb/loader/node';
import { DUPLICATE_KINDS, DUPLICATE_SCOPES, generateDataset, type PlantedDuplicate } from '@fpdb/synth/node';
import { afterAll, describe, expect, it } from 'vitest';
import { auditDataset } from './audit-dataset.js';
import { findDuplicates } from './find-duplicates.js';

const dirs: string[] = [];
const temp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'fpdb-audit-'));
  dirs.push(d);
  return d;
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('findDuplicates on a synthetic release with planted duplicates', { timeout: 120_000 }, () => {
  it('finds every kind and scope with measured recall and precision', async () => {
    const dir = await temp();
    const g = await generateDataset({ outDir: dir, images: 600, seed: 5, size: { width: 96, height: 64 }, workers: 0, duplicates: { count: 45 } });
    const planted = g.duplicates!;
    const ds = await openDataset(dir);
    const { groups } = await findDuplicates(ds);
    const key = (a: string, b: string): string => [a, b].sort().join('|');
    const together = new Map<string, number>();
    for (const grp of groups) for (const m of grp.members) together.set(m.imageName, grp.id);
    const found = (d: PlantedDuplicate): boolean => together.get(d.source) !== undefined && together.get(d.source) === together.get(d.copy);
    const recall = (ds: PlantedDuplicate[]): number => ds.filter(found).length / ds.length;
    const byKind = Object.fromEntries(DUPLICATE_KINDS.map((k) => [k, recall(planted.filter((d) => d.kind === k))]));
    const byScope = Object.fromEntries(DUPLICATE_SCOPES.map((s) => [s, recall(planted.filter((d) => d.scope === s))]));
    // The renderer draws every patient independently, so a link across patient ids is right only when it joins a
    // planted copy to its source's patient (the source or one of its sweep frames): every other one is a false positive.
    const patientOf = new Map(ds.records.map((r) => [r.imageName, r.patientId]));
    const sourceOf = new Map(planted.map((d) => [d.copy, d.source]));
    const origin = (name: string): number => patientOf.get(sourceOf.get(name) ?? name)!;
    const crossLinks = groups.flatMap((grp) => grp.pairs).filter((p) => patientOf.get(p.a) !== patientOf.get(p.b));
    const precisionCross = crossLinks.filter((p) => origin(p.a) === origin(p.b)).length / crossLinks.length;
    console.log(JSON.stringify({ recallByKind: byKind, recallByScope: byScope, precisionAcrossPatients: precisionCross, crossLinks: crossLinks.length }));
    expect(byKind.exact).toBe(1);
    expect(byKind.noise).toBe(1);
    expect(byKind.contrast).toBeGreaterThanOrEqual(0.85);
    expect(byKind.recompress).toBe(1);
    expect(byKind.shift).toBeGreaterThanOrEqual(0.6);
    expect(precisionCross).toBe(1);
    // Exact copies are pixel-identical after decoding: their groups say so; cross-split ones are leaks.
    for (const d of planted.filter((p) => p.kind === 'exact')) {
      const grp = groups.find((x) => x.id === together.get(d.source))!;
      expect(grp.pairs.find((p) => key(p.a, p.b) === key(d.source, d.copy))?.exact).toBe(true);
      if (d.scope === 'cross-split') expect(grp.scope.crossSplit).toBe(true);
      if (d.scope === 'within-patient') expect(grp.patients).toHaveLength(1);
    }
  });
});

describe('auditDataset on the real fixtures (60 images + 5 re-saved)', { timeout: 60_000 }, () => {
  it("finds the release's byte-identical pair, its near-identical frames and the re-saved files' modes", async () => {
    const dir = await temp();
    await cp(realFixture('Images'), join(dir, 'Images'), { recursive: true });
    await cp(realFixture('FETAL_PLANES_DB_data.csv'), join(dir, 'FETAL_PLANES_DB_data.csv'));
    // The re-saved files are real rows; the one whose original is present goes under a sibling row's name.
    for (const name of ['Patient00168_Plane2_1_of_2', 'Patient00168_Plane5_2_of_2', 'Patient00644_Plane3_1_of_3', 'Patient00652_Plane3_1_of_1']) {
      await cp(realFixture('resaved', `${name}.png`), join(dir, 'Images', `${name}.png`));
    }
    await cp(realFixture('resaved', 'Patient00168_Plane3_1_of_3.png'), join(dir, 'Images', 'Patient00168_Plane3_2_of_3.png'));
    const report = await auditDataset(await openDataset(dir, { missing: 'skip' }));
    const names = report.groups.map((g) => g.members.map((m) => m.imageName).join(' '));
    expect(names).toContain('Patient01648_Plane5_2_of_5 Patient01648_Plane5_4_of_5');
    expect(report.groups.find((g) => g.members[0]!.imageName === 'Patient01648_Plane5_2_of_5')!.kind).toBe('exact');
    expect(report.summary).toMatchObject({ images: 65, exactGroups: 1, crossSplit: 0 });
    expect(report.summary.oddities.mode).toBe(5);
    expect(
      report.oddities
        .filter((o) => o.kind === 'mode')
        .map((o) => o.imageName)
        .sort(),
    ).toEqual(['Patient00168_Plane2_1_of_2', 'Patient00168_Plane3_2_of_3', 'Patient00168_Plane5_2_of_2', 'Patient00644_Plane3_1_of_3', 'Patient00652_Plane3_1_of_1']);
  });
});
