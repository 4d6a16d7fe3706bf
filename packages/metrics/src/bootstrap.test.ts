import { createRng, FpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy, brierScore, cohenKappa, f1, logLoss, matthewsCorrcoef, precision, recall, rocAuc } from './index.js';
import { BOOTSTRAP_METRICS, bootstrap, bootstrapMany, type BootstrapMetricName } from './bootstrap.js';
import type { MetricSample } from './internal/dataset.js';

/** Patients with correlated outcomes: each patient is either easy (all right) or hard (mostly wrong). */
function clustered(seed: number, patients = 120, K = 4) {
  const rng = createRng(seed);
  const yTrue: number[] = [];
  const yProb: number[][] = [];
  const groups: string[] = [];
  for (let p = 0; p < patients; p++) {
    const hard = rng.next() < 0.3;
    const m = 1 + rng.int(12);
    for (let j = 0; j < m; j++) {
      const y = rng.int(K);
      const logits = Array.from({ length: K }, () => rng.normal());
      logits[hard ? (y + 1) % K : y]! += 2.5;
      const e = logits.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      yTrue.push(y);
      yProb.push(e.map((v) => v / s));
      groups.push(`patient-${p}`);
    }
  }
  return { yTrue, yProb, groups };
}

const data = clustered(3);
const reference: Record<BootstrapMetricName, (s: MetricSample) => number> = {
  accuracy: (s) => accuracy(s.yTrue, s.yPred),
  balancedAccuracy: (s) => balancedAccuracy(s.yTrue, s.yPred, { numClasses: s.numClasses }),
  macroF1: (s) => f1(s.yTrue, s.yPred, { average: 'macro', numClasses: s.numClasses }),
  weightedF1: (s) => f1(s.yTrue, s.yPred, { average: 'weighted', numClasses: s.numClasses }),
  microF1: (s) => f1(s.yTrue, s.yPred, { average: 'micro', numClasses: s.numClasses }),
  macroPrecision: (s) => precision(s.yTrue, s.yPred, { average: 'macro', numClasses: s.numClasses }),
  macroRecall: (s) => recall(s.yTrue, s.yPred, { average: 'macro', numClasses: s.numClasses }),
  cohenKappa: (s) => cohenKappa(s.yTrue, s.yPred, { numClasses: s.numClasses }),
  matthewsCorrcoef: (s) => matthewsCorrcoef(s.yTrue, s.yPred, { numClasses: s.numClasses }),
  rocAucMacro: (s) => {
    try {
      return rocAuc(s.yTrue, s.yProb!, { numClasses: s.numClasses });
    } catch (e) {
      if (e instanceof FpdbError && e.code === 'FPDB_UNDEFINED_METRIC') return NaN;
      throw e;
    }
  },
  logLoss: (s) => logLoss(s.yTrue, s.yProb!, { numClasses: s.numClasses }),
  brierScore: (s) => brierScore(s.yTrue, s.yProb!, { numClasses: s.numClasses }),
};
describe('bootstrap', () => {
  it('is deterministic for a seed and changes with it', () => {
    const a = bootstrap('macroF1', data, { resamples: 200, seed: 11 });
    const b = bootstrap('macroF1', data, { resamples: 200, seed: 11 });
    const c = bootstrap('macroF1', data, { resamples: 200, seed: 12 });
    expect(a).toEqual(b);
    expect([c.low, c.high]).not.toEqual([a.low, a.high]);
  });

  it.each(BOOTSTRAP_METRICS.map((m) => [m]))('fast path of %s equals recomputing the metric on each resample', (name) => {
    for (const groups of [undefined, data.groups]) {
      const opts = { resamples: 40, seed: 5, ...(groups ? { groups } : {}) };
      const fast = bootstrap(name, data, opts);
      const slow = bootstrap(reference[name], data, opts);
      expect(fast.estimate).toBeCloseTo(slow.estimate, 10);
      expect(fast.low).toBeCloseTo(slow.low, 10);
      expect(fast.high).toBeCloseTo(slow.high, 10);
      expect(fast.standardError).toBeCloseTo(slow.standardError, 10);
      expect(fast.valid).toBe(slow.valid);
    }
  });

  it('estimates the metric on the full data and brackets it', () => {
    const r = bootstrap('accuracy', data, { resamples: 300, seed: 1 });
    const yPred = data.yProb.map((p) => p.indexOf(Math.max(...p)));
    expect(r.estimate).toBe(accuracy(data.yTrue, yPred));
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    expect(r.unit).toBe('sample');
    expect(r.units).toBe(data.yTrue.length);
  });

  it('resamples patients with groups: wider intervals when images of a patient are correlated', () => {
    const opts = { resamples: 400, seed: 2 };
    const image = bootstrap('accuracy', data, opts);
    const patient = bootstrap('accuracy', data, { ...opts, groups: data.groups });
    expect(patient.unit).toBe('group');
    expect(patient.units).toBe(120);
    expect(patient.high - patient.low).toBeGreaterThan((image.high - image.low) * 1.3);
  });

  it('a cluster resample keeps every image of a drawn patient together', () => {
    const seen: Int32Array[] = [];
    bootstrap((s) => (seen.push(s.indices), 0), data, { resamples: 5, seed: 9, groups: data.groups });
    for (const idx of seen) {
      const count = new Map<string, number>();
      for (const i of idx) count.set(data.groups[i]!, (count.get(data.groups[i]!) ?? 0) + 1);
      for (const [g, c] of count) {
        const size = data.groups.filter((x) => x === g).length;
        expect(c % size).toBe(0);
      }
    }
  });

  it('bootstrapMany shares resamples with bootstrap', () => {
    const many = bootstrapMany({ acc: 'accuracy', f1: 'macroF1' }, data, { resamples: 100, seed: 4 });
    expect(many.f1).toEqual(bootstrap('macroF1', data, { resamples: 100, seed: 4 }));
    expect(many.acc.metric).toBe('accuracy');
  });

  it('confidence sets the percentiles', () => {
    const wide = bootstrap('accuracy', data, { resamples: 300, seed: 1, confidence: 0.99 });
    const narrow = bootstrap('accuracy', data, { resamples: 300, seed: 1, confidence: 0.8 });
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
  });

  it('fails clearly on bad input', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as FpdbError).code;
      }
      return undefined;
    };
    expect(code(() => bootstrap('accuracy', data, { resamples: 0 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(code(() => bootstrap('accuracy', data, { confidence: 95 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(code(() => bootstrap('rocAucMacro', { yTrue: [0, 1], yPred: [0, 1] }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(code(() => bootstrap('nope' as 'accuracy', data))).toBe('FPDB_INVALID_ARGUMENT');
    expect(code(() => bootstrap('accuracy', data, { groups: ['a'] }))).toBe('FPDB_LENGTH_MISMATCH');
    expect(code(() => bootstrap('accuracy', { yTrue: [], yPred: [] }))).toBe('FPDB_EMPTY');
  });
});
