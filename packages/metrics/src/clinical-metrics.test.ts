import { describe, expect, it } from 'vitest';
import { clinicalMetrics } from './clinical-metrics.js';
import { evaluationReport } from './evaluation-report.js';

// 3 classes; class 2 is never predicted.
const yTrue = [0, 0, 0, 1, 1, 2, 2, 0, 1, 2];
const yPred = [0, 0, 1, 1, 1, 0, 1, 0, 0, 1];
const groups = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'];

describe('clinicalMetrics', () => {
  it('computes sensitivity, specificity, PPV and NPV of each class against the rest', () => {
    const [c0, c1, c2] = clinicalMetrics({ yTrue, yPred, classes: ['x', 'y', 'z'], bootstrap: false });
    // class 0: TP 3, FN 1, FP 2 (index 5 and 8), TN 4
    expect(c0).toMatchObject({ name: 'x', tp: 3, fn: 1, fp: 2, tn: 4 });
    expect(c0!.sensitivity.value).toBeCloseTo(3 / 4);
    expect(c0!.specificity.value).toBeCloseTo(4 / 6);
    expect(c0!.ppv.value).toBeCloseTo(3 / 5);
    expect(c0!.npv.value).toBeCloseTo(4 / 5);
    expect(c1!.sensitivity.value).toBeCloseTo(2 / 3);
    // Never predicted: PPV undefined (0/0), sensitivity 0.
    expect(c2!.ppv.value).toBeNull();
    expect(c2!.sensitivity.value).toBe(0);
    expect(c0!.sensitivity.low).toBeNull();
  });

  it('adds patient-bootstrap intervals that bracket the estimate, deterministically', () => {
    const a = clinicalMetrics({ yTrue, yPred, numClasses: 3, groups, bootstrap: { resamples: 200, seed: 4 } });
    const b = clinicalMetrics({ yTrue, yPred, numClasses: 3, groups, bootstrap: { resamples: 200, seed: 4 } });
    expect(a).toEqual(b);
    const s = a[0]!.sensitivity;
    expect(s.low).not.toBeNull();
    expect(s.low!).toBeLessThanOrEqual(s.value!);
    expect(s.high!).toBeGreaterThanOrEqual(s.value!);
    expect(s.high!).toBeLessThanOrEqual(1);
  });

  it('is part of the evaluation report', () => {
    const yProb = yPred.map((p) => [0, 1, 2].map((c) => (c === p ? 0.8 : 0.1)));
    const report = evaluationReport({ yTrue, yProb, classes: ['x', 'y', 'z'], groups, bootstrap: { resamples: 50, seed: 1 } });
    expect(report.clinical.map((c) => c.name)).toEqual(['x', 'y', 'z']);
    expect(report.clinical[1]!.sensitivity.value).toBeCloseTo(report.perClass[1]!.recall);
    expect(report.clinical[1]!.sensitivity.low).not.toBeNull();
  });
});
