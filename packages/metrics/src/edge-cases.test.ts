import { FpdbError, labelSpace } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  classificationReport,
  cohenKappa,
  confusionMatrix,
  expectedCalibrationError,
  f1,
  fbeta,
  logLoss,
  matthewsCorrcoef,
  perClassRocCurves,
  precision,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  recall,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from './index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof FpdbError) return e.code;
    throw e;
  }
  return undefined;
}

const P3 = [
  [0.7, 0.2, 0.1],
  [0.1, 0.8, 0.1],
  [0.2, 0.2, 0.6],
  [0.3, 0.4, 0.3],
];

describe('empty input fails with FPDB_EMPTY everywhere', () => {
  it.each([
    ['accuracy', () => accuracy([], [])],
    ['balancedAccuracy', () => balancedAccuracy([], [])],
    ['confusionMatrix', () => confusionMatrix([], [], { numClasses: 3 })],
    ['precisionRecallFscoreSupport', () => precisionRecallFscoreSupport([], [])],
    ['cohenKappa', () => cohenKappa([], [])],
    ['matthewsCorrcoef', () => matthewsCorrcoef([], [])],
    ['classificationReport', () => classificationReport([], [])],
    ['rocAuc', () => rocAuc([], [])],
    ['rocAuc flat', () => rocAuc([], new Float32Array(0), { numClasses: 3 })],
    ['logLoss', () => logLoss([], [])],
    ['rocCurve', () => rocCurve([], [])],
    ['precisionRecallCurve', () => precisionRecallCurve([], [])],
  ])('%s', (_name, fn) => {
    expect(codeOf(fn)).toBe('FPDB_EMPTY');
  });
});

describe('lengths that differ fail with FPDB_LENGTH_MISMATCH', () => {
  it.each([
    ['accuracy', () => accuracy([0, 1], [0])],
    ['f1', () => f1([0, 1, 1], [0, 1], { average: 'macro' })],
    ['rocAuc', () => rocAuc([0, 1], P3)],
    ['logLoss', () => logLoss([0, 1, 2], P3)],
    ['rocCurve', () => rocCurve([0, 1], [0.2])],
    ['sampleWeight', () => accuracy([0, 1], [0, 1], { sampleWeight: [1] })],
  ])('%s', (_name, fn) => {
    expect(codeOf(fn)).toBe('FPDB_LENGTH_MISMATCH');
  });
  it('says both lengths in the message', () => {
    expect(() => accuracy([0, 1, 2], [0])).toThrow(/yTrue has 3 samples but yPred has 1/);
  });
});

describe('labels out of range or not class indices fail with FPDB_LABEL', () => {
  it.each([
    ['≥ numClasses', () => accuracy([0, 3], [0, 1], { numClasses: 3 })],
    ['≥ classes.length', () => f1([0, 1], [0, 6], { classes: labelSpace('planes').classes, average: 'macro' })],
    ['negative', () => accuracy([0, -1], [0, 1])],
    ['non-integer', () => accuracy([0, 1.5], [0, 1])],
    ['NaN', () => accuracy([0, NaN], [0, 1])],
    ['≥ K of probabilities', () => rocAuc([0, 1, 2, 3], P3)],
    ['top-k', () => topKAccuracy([0, 1, 2, 5], P3)],
  ])('%s', (_name, fn) => {
    expect(codeOf(fn)).toBe('FPDB_LABEL');
  });
  it('names the offending position and the range', () => {
    expect(() => accuracy([0, 3], [0, 1], { numClasses: 3 })).toThrow(/yTrue\[1\] is 3, out of range for 3 classes \(0…2\)/);
  });
});

describe('invalid probabilities fail with FPDB_PROBABILITIES', () => {
  it.each([
    ['NaN', [[NaN, 0.5, 0.5]]],
    ['negative', [[-0.1, 0.6, 0.5]]],
    ['above 1', [[1.5, -0.2, -0.3]]],
    ['rows not summing to 1', [[0.5, 0.2, 0.1]]],
    ['logits', [[2.1, -0.3, 0.4]]],
    ['Infinity', [[Infinity, 0, 0]]],
  ])('%s', (_name, p) => {
    expect(codeOf(() => rocAuc([0], p))).toBe('FPDB_PROBABILITIES');
    expect(codeOf(() => logLoss([0], p))).toBe('FPDB_PROBABILITIES');
    expect(codeOf(() => brierScore([0], p))).toBe('FPDB_PROBABILITIES');
    expect(codeOf(() => expectedCalibrationError([0], p))).toBe('FPDB_PROBABILITIES');
  });
  it('accepts float32 softmax rounding within the tolerance, and a custom tolerance', () => {
    const p = new Float32Array([0.7, 0.2, 0.1, 0.1, 0.8, 0.1]);
    expect(logLoss([0, 1], p, { numClasses: 3 })).toBeCloseTo((-Math.log(0.7) - Math.log(0.8)) / 2, 6);
    expect(codeOf(() => logLoss([0], [[0.5, 0.45, 0.04]]))).toBe('FPDB_PROBABILITIES');
    expect(logLoss([0], [[0.5, 0.45, 0.04]], { tolerance: 0.02 })).toBeGreaterThan(0);
  });
  it('locates the bad row in the message and details', () => {
    try {
      logLoss(
        [0, 1],
        [
          [0.5, 0.5, 0],
          [0.5, 0.2, 0.1],
        ],
      );
      expect.unreachable();
    } catch (e) {
      expect((e as FpdbError).details.row).toBe(1);
      expect((e as FpdbError).message).toMatch(/yProb\[1\] sums to 0\.8/);
    }
  });
});

describe('shapes', () => {
  it('a flat array needs numClasses and a multiple of it', () => {
    expect(codeOf(() => rocAuc([0, 1], new Float32Array([0.5, 0.5, 0.5, 0.5])))).toBe('FPDB_SHAPE');
    expect(codeOf(() => rocAuc([0, 1], new Float32Array([0.5, 0.5, 0.5]), { numClasses: 2 }))).toBe('FPDB_SHAPE');
  });
  it('ragged rows, one column, and columns ≠ numClasses fail', () => {
    expect(codeOf(() => logLoss([0, 1], [[0.5, 0.5], [1]]))).toBe('FPDB_SHAPE');
    expect(codeOf(() => logLoss([0, 0], [[1], [1]]))).toBe('FPDB_SHAPE');
    expect(
      codeOf(() =>
        logLoss(
          [0, 1],
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
          { numClasses: 3 },
        ),
      ),
    ).toBe('FPDB_SHAPE');
  });
  it('classes and numClasses must agree', () => {
    expect(codeOf(() => accuracy([0], [0], { classes: ['a', 'b'], numClasses: 3 }))).toBe('FPDB_INVALID_ARGUMENT');
  });
  it('typed arrays and plain arrays give identical results', () => {
    const yTrue = [0, 1, 2, 2, 1, 0];
    const yPred = [0, 2, 2, 2, 1, 1];
    const flat = new Float64Array(P3.flat().concat([0.1, 0.1, 0.8, 0.6, 0.3, 0.1]));
    const rows = [...P3, [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]];
    expect(f1(Int32Array.from(yTrue), Uint8Array.from(yPred), { average: 'macro' })).toBe(f1(yTrue, yPred, { average: 'macro' }));
    expect(rocAuc(Int32Array.from(yTrue), flat, { numClasses: 3 })).toBe(rocAuc(yTrue, rows));
  });
});

describe('a class absent from the truth or the predictions', () => {
  it('is a zero row/column of the confusion matrix when classes are given', () => {
    expect(confusionMatrix([0, 1, 1], [0, 1, 0], { numClasses: 3 })).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(confusionMatrix([0, 1, 1], [0, 1, 0])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });
  it('scores precision/recall 0 (or 1 with zeroDivision: 1), like scikit-learn', () => {
    expect(recall([0, 0, 1], [0, 2, 1], { average: null, numClasses: 3 })).toEqual([0.5, 1, 0]);
    expect(recall([0, 0, 1], [0, 2, 1], { average: null, numClasses: 3, zeroDivision: 1 })).toEqual([0.5, 1, 1]);
    expect(precision([0, 1, 2], [0, 0, 0], { average: null, zeroDivision: 1 })).toEqual([1 / 3, 1, 1]);
  });
  it('is skipped by balanced accuracy', () => {
    expect(balancedAccuracy([0, 0, 1], [0, 2, 1], { numClasses: 3 })).toBe(0.75);
  });
  it('makes ROC-AUC undefined with FPDB_UNDEFINED_METRIC naming the class', () => {
    const y = [0, 1, 1, 0];
    const p = [
      [0.6, 0.3, 0.1],
      [0.2, 0.7, 0.1],
      [0.3, 0.4, 0.3],
      [0.5, 0.1, 0.4],
    ];
    expect(codeOf(() => rocAuc(y, p))).toBe('FPDB_UNDEFINED_METRIC');
    expect(() => rocAuc(y, p, { classes: ['Fetal brain', 'Other', 'Fetal femur'] })).toThrow(/class "Fetal femur" \(index 2\).*no positive/);
    expect(
      codeOf(() =>
        rocCurve(
          y,
          p.map((r) => r[2]!),
          { posLabel: 2 },
        ),
      ),
    ).toBe('FPDB_UNDEFINED_METRIC');
    const curves = perClassRocCurves(y, p);
    expect(curves.map((c) => c.auc === null)).toEqual([false, false, true]);
    // Average precision stays defined (0 for that class), as in scikit-learn.
    expect(averagePrecision(y, p, { average: null })[2]).toBe(0);
  });
});

describe('a single class', () => {
  it('behaves like scikit-learn: accuracy 1, MCC 0, kappa NaN', () => {
    expect(accuracy([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(matthewsCorrcoef([2, 2, 2], [2, 2, 2])).toBe(0);
    expect(cohenKappa([2, 2, 2], [2, 2, 2])).toBeNaN();
    expect(confusionMatrix([2, 2], [2, 2])).toEqual([[2]]);
  });
  it('makes ROC undefined', () => {
    expect(codeOf(() => rocCurve([1, 1, 1], [0.2, 0.5, 0.9]))).toBe('FPDB_UNDEFINED_METRIC');
    expect(
      codeOf(() =>
        rocAuc(
          [1, 1],
          [
            [0.2, 0.8],
            [0.6, 0.4],
          ],
        ),
      ),
    ).toBe('FPDB_UNDEFINED_METRIC');
  });
});

describe('argument checks', () => {
  it("average 'binary' on multiclass data is refused with the fix in the message", () => {
    expect(() => f1([0, 1, 2], [0, 1, 1])).toThrow(/multiclass.*average 'macro'/);
    expect(codeOf(() => precision([0, 2], [2, 0]))).toBe('FPDB_INVALID_ARGUMENT');
  });
  it('binary defaults work on two-class data', () => {
    expect(f1([0, 1, 1, 0], [0, 1, 0, 0])).toBeCloseTo(2 / 3, 12);
    expect(recall([0, 1, 1, 0], [0, 1, 0, 0], { posLabel: 0 })).toBe(1);
  });
  it('rejects bad options', () => {
    expect(codeOf(() => fbeta([0, 1], [0, 1], {} as { beta: number }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => fbeta([0, 1], [0, 1], { beta: -1 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => f1([0, 1], [0, 1], { average: 'samples' as 'macro' }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => f1([0, 1], [0, 1], { zeroDivision: 2 as 1 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => confusionMatrix([0], [0], { normalize: 'rows' as 'true' }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => cohenKappa([0], [0], { weights: 'cubic' as 'linear' }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => topKAccuracy([0], [[1, 0]], { k: 0 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => expectedCalibrationError([0], [[1, 0]], { numBins: 0 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => accuracy([0], [0], { sampleWeight: [-1] }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => rocCurve([0, 1, 2], [0.1, 0.2, 0.3]))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => rocCurve([0, 1], [0.1, NaN]))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => classificationReport([0], [0], { format: 'html' as 'text' }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => accuracy('01' as unknown as number[], [0, 1]))).toBe('FPDB_INVALID_ARGUMENT');
  });
  it('auc checks monotonic x', () => {
    expect(auc([0, 0.5, 1], [0, 0.8, 1])).toBeCloseTo(0.65, 12);
    expect(auc([1, 0.5, 0], [1, 0.8, 0])).toBeCloseTo(0.65, 12);
    expect(codeOf(() => auc([0, 1, 0.5], [0, 1, 1]))).toBe('FPDB_INVALID_ARGUMENT');
    expect(codeOf(() => auc([0], [0]))).toBe('FPDB_INVALID_ARGUMENT');
  });
});

describe('classification report formats', () => {
  const classes = labelSpace('brain').classes;
  const yTrue = [0, 0, 1, 2, 2, 2];
  const yPred = [0, 1, 1, 2, 2, 0];
  it('Markdown has one row per class and the averages, with escaped names', () => {
    const md = classificationReport(yTrue, yPred, { classes, format: 'markdown' });
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(2 + 3 + 3);
    expect(md).toContain('| Trans-thalamic | 0.50 | 0.50 | 0.50 | 2 |');
    expect(md).toContain('| **accuracy** | | | 0.67 | 6 |');
    expect(classificationReport([0, 1], [0, 1], { classes: ['a|b', 'c'], format: 'markdown' })).toContain('a\\|b');
  });
  it('JSON is serialisable and round-trips', () => {
    const j = classificationReport(yTrue, yPred, { classes, format: 'json' });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j.accuracy).toBeCloseTo(4 / 6, 12);
  });
  it('rounds half to even like Python', () => {
    // recall 1/8 = 0.125 exactly: Python prints 0.12, toFixed would print 0.13.
    const t = [0, 0, 0, 0, 0, 0, 0, 0, 1];
    const p = [0, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(classificationReport(t, p)).toContain('       0       1.00      0.12      0.22         8');
  });
});
