import { createRng, labelSpace } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  cohenKappa,
  confusionMatrix,
  evaluationReport,
  expectedCalibrationError,
  f1,
  logLoss,
  matthewsCorrcoef,
  reportToMarkdown,
  rocAuc,
  topKAccuracy,
} from './index.js';

const classes = labelSpace('planes').classes;

function synth(n: number, seed: number) {
  const rng = createRng(seed);
  const K = classes.length;
  const yTrue: number[] = [];
  const yProb: number[][] = [];
  const patients: string[] = [];
  const machine: string[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.int(K);
    const logits = Array.from({ length: K }, () => rng.normal());
    logits[y]! += 2.2;
    const e = logits.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    yTrue.push(y);
    yProb.push(e.map((v) => v / s));
    patients.push(`P${Math.floor(i / 4)}`);
    machine.push(['Aloka', 'Voluson E6', 'Voluson S10'][rng.int(3)]!);
  }
  return { yTrue, yProb, patients, machine };
}

describe('evaluationReport', () => {
  const d = synth(400, 8);
  const report = evaluationReport({
    yTrue: d.yTrue,
    yProb: d.yProb,
    classes,
    groups: d.patients,
    by: { usMachine: d.machine },
    bootstrap: { resamples: 100, seed: 3 },
    meta: { task: 'planes', split: 'test' },
  });
  const yPred = d.yProb.map((p) => p.indexOf(Math.max(...p)));
  const opts = { classes };

  it('agrees with the individual metric functions', () => {
    const s = report.summary;
    expect(s.accuracy).toBe(accuracy(d.yTrue, yPred));
    expect(s.balancedAccuracy).toBe(balancedAccuracy(d.yTrue, yPred, opts));
    expect(s.macroF1).toBe(f1(d.yTrue, yPred, { ...opts, average: 'macro' }));
    expect(s.weightedF1).toBe(f1(d.yTrue, yPred, { ...opts, average: 'weighted' }));
    expect(s.top2Accuracy).toBe(topKAccuracy(d.yTrue, d.yProb, { k: 2 }));
    expect(s.cohenKappa).toBe(cohenKappa(d.yTrue, yPred, opts));
    expect(s.cohenKappaQuadratic).toBe(cohenKappa(d.yTrue, yPred, { ...opts, weights: 'quadratic' }));
    expect(s.matthewsCorrcoef).toBe(matthewsCorrcoef(d.yTrue, yPred, opts));
    expect(s.rocAucMacro).toBeCloseTo(rocAuc(d.yTrue, d.yProb), 12);
    expect(s.rocAucWeighted).toBeCloseTo(rocAuc(d.yTrue, d.yProb, { average: 'weighted' }), 12);
    expect(s.averagePrecisionMacro).toBeCloseTo(averagePrecision(d.yTrue, d.yProb), 12);
    expect(s.averagePrecisionWeighted).toBeCloseTo(averagePrecision(d.yTrue, d.yProb, { average: 'weighted' }), 12);
    expect(s.logLoss).toBe(logLoss(d.yTrue, d.yProb));
    expect(s.brierScore).toBe(brierScore(d.yTrue, d.yProb));
    expect(s.ece).toBe(expectedCalibrationError(d.yTrue, d.yProb));
    expect(report.confusionMatrix.counts).toEqual(confusionMatrix(d.yTrue, yPred, opts));
    expect(report.perClass.map((c) => c.rocAuc)).toEqual(rocAuc(d.yTrue, d.yProb, { average: null }));
    expect(report.perClass.map((c) => c.name)).toEqual([...classes]);
    expect(report.perClass.reduce((a, c) => a + c.support, 0)).toBe(400);
  });

  it('is JSON-serialisable without loss', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.schema).toBe('fpdb.evaluation-report');
    expect(report.meta).toEqual({ task: 'planes', split: 'test' });
  });

  it('bootstraps patients when groups are given', () => {
    const b = report.bootstrap!;
    expect(b.unit).toBe('patient');
    expect(b.units).toBe(100);
    expect(report.patients).toBe(100);
    expect(b.accuracy.estimate).toBe(report.summary.accuracy);
    expect(b.accuracy.low!).toBeLessThan(b.accuracy.high!);
    expect(b.macroF1.estimate).toBe(report.summary.macroF1);
    expect(b.rocAucMacro).not.toBeNull();
    expect(report.warnings.some((w) => w.includes('resampled images'))).toBe(false);
  });

  it('breaks down by group with per-class recall', () => {
    const g = report.by.usMachine!;
    expect(g.map((x) => x.group)).toEqual(['Aloka', 'Voluson E6', 'Voluson S10']);
    expect(g.reduce((a, x) => a + x.count, 0)).toBe(400);
    expect(g[0]!.recall).toHaveLength(6);
    const idx = d.machine.map((m, i) => (m === 'Aloka' ? i : -1)).filter((i) => i >= 0);
    expect(g[0]!.accuracy).toBe(
      accuracy(
        idx.map((i) => d.yTrue[i]!),
        idx.map((i) => yPred[i]!),
      ),
    );
  });

  it('thins curves but keeps their ends', () => {
    const r = evaluationReport({ yTrue: d.yTrue, yProb: d.yProb, bootstrap: false, maxCurvePoints: 20 });
    for (const c of r.curves.pr) {
      expect(c.x.length).toBeLessThanOrEqual(20);
      expect(c.x[c.x.length - 1]).toBe(0);
      expect(c.y[c.y.length - 1]).toBe(1);
    }
    expect(r.bootstrap).toBeNull();
    expect(r.classes).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('reports an absent class as a warning and null AUC instead of failing', () => {
    const y = d.yTrue.map((v) => (v === 2 ? 0 : v));
    const r = evaluationReport({ yTrue: y, yProb: d.yProb, classes, bootstrap: { resamples: 20 } });
    expect(r.perClass[2]!.rocAuc).toBeNull();
    expect(r.perClass[2]!.support).toBe(0);
    expect(r.summary.rocAucMacro).not.toBeNull();
    expect(r.bootstrap!.rocAucMacro).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/"Fetal femur" has no true samples/);
    expect(r.warnings.join('\n')).toMatch(/resampled images, not patients/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('needs probabilities', () => {
    expect(() => evaluationReport({ yTrue: [0], yPred: [0] } as never)).toThrow(/needs \{ yTrue, yProb/);
  });
});

describe('reportToMarkdown', () => {
  const d = synth(300, 9);
  const report = evaluationReport({ yTrue: d.yTrue, yProb: d.yProb, classes, groups: d.patients, by: { usMachine: d.machine }, bootstrap: { resamples: 50, seed: 1 } });
  const md = reportToMarkdown(report);

  it('has every section', () => {
    for (const h of ['# Evaluation report', '## Summary', '## Per class', '## Confusion matrix', '## Calibration', '## By usMachine']) expect(md).toContain(h);
    expect(md).toContain('95 % CI (50 patient resamples)');
    expect(md).toContain('Research use only, not a medical device.');
    expect(md).toContain('doi 10.1038/s41598-020-67076-5');
  });

  it('prints the numbers of the report', () => {
    const s = report.summary;
    const b = report.bootstrap!;
    expect(md).toContain(`| accuracy | ${s.accuracy.toFixed(3)} | ${b.accuracy.low!.toFixed(3)} – ${b.accuracy.high!.toFixed(3)} |`);
    const c = report.perClass[1]!;
    expect(md).toContain(`| Fetal brain | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} | ${c.support} |`);
  });

  it('has well-formed tables (same number of cells in every row of a table)', () => {
    const blocks = md.split('\n\n').filter((b) => b.startsWith('|'));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const b of blocks) {
      const cells = b
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cells).size).toBe(1);
    }
  });

  it('refuses other objects', () => {
    expect(() => reportToMarkdown({} as never)).toThrow(/evaluationReport/);
  });
});
