import { createRng, shuffled } from '../random.js';
import type { FpdbRecord } from '../record.js';

/** A patient (or patients linked into one unit) and the class counts of its images. */
interface PatientGroup {
  unit: number;
  records: FpdbRecord[];
  counts: Map<string, number>;
}

/**
 * Assigns whole patients to bins with target fractions, greedily keeping each class's share per bin
 * close to the target (the idea of scikit-learn's StratifiedGroupKFold, with unequal bin sizes).
 * Patients go in seeded-shuffled order, largest first, each to the bin that most needs its classes.
 * `unitOf` names the unit a record moves with (default its patient; linked patients share one).
 * Returns one record list per bin. Pure and deterministic for a seed.
 */
export function assignPatients(
  records: readonly FpdbRecord[],
  fractions: readonly number[],
  seed: number,
  stratum: (r: FpdbRecord) => string,
  unitOf: (r: FpdbRecord) => number = (r) => r.patientId,
): FpdbRecord[][] {
  const byPatient = new Map<number, PatientGroup>();
  const classTotals = new Map<string, number>();
  for (const r of records) {
    const unit = unitOf(r);
    let g = byPatient.get(unit);
    if (!g) byPatient.set(unit, (g = { unit, records: [], counts: new Map() }));
    g.records.push(r);
    const s = stratum(r);
    g.counts.set(s, (g.counts.get(s) ?? 0) + 1);
    classTotals.set(s, (classTotals.get(s) ?? 0) + 1);
  }
  const order = shuffled(
    [...byPatient.values()].sort((a, b) => a.unit - b.unit),
    createRng(seed),
  );
  // Stable sort keeps the seeded order among equal sizes.
  order.sort((a, b) => b.records.length - a.records.length);

  const bins = fractions.map(() => ({ records: [] as FpdbRecord[], counts: new Map<string, number>(), size: 0 }));
  const total = records.length;
  for (const g of order) {
    let best = 0;
    let bestScore = -Infinity;
    for (let b = 0; b < bins.length; b++) {
      const bin = bins[b]!;
      const f = fractions[b]!;
      let score = 0;
      for (const [s, n] of g.counts) {
        const want = f * classTotals.get(s)!;
        score += (n * (want - (bin.counts.get(s) ?? 0))) / want;
      }
      // Size pressure breaks ties and keeps bins near their target size.
      score += (f * total - bin.size) / Math.max(1, f * total);
      if (score > bestScore) {
        bestScore = score;
        best = b;
      }
    }
    const bin = bins[best]!;
    bin.records.push(...g.records);
    bin.size += g.records.length;
    for (const [s, n] of g.counts) bin.counts.set(s, (bin.counts.get(s) ?? 0) + n);
  }
  const position = new Map(records.map((r, i) => [r, i]));
  return bins.map((b) => b.records.sort((x, y) => position.get(x)! - position.get(y)!));
}
