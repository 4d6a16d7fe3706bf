import { readFileSync } from 'node:fs';
import { FpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  classificationReport,
  cohenKappa,
  confusionMatrix,
  logLoss,
  matthewsCorrcoef,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  reliabilityBins,
  rocAuc,
  rocCurve,
  topKAccuracy,
  type Average,
  type ZeroDivision,
} from '../src/index.js';
import { percentileSorted } from '../src/internal/percentile.js';
import { expectClose } from './close.js';

interface LabelCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  numClasses: number | null;
  classes: string[] | null;
  sampleWeight: number[] | null;
  expected: Record<string, unknown> & { prf: Record<string, unknown>; kappa: Record<string, unknown> };
}
interface ProbCase {
  name: string;
  yTrue: number[];
  yProb: number[][];
  sampleWeight: number[] | null;
  expected: Record<string, unknown> & { rocAuc: Record<string, unknown>; ap: Record<string, unknown> };
}
const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as {
  meta: { sklearn: string };
  labelCases: LabelCase[];
  probCases: ProbCase[];
  percentile: { values: number[]; percentiles: Record<string, number> };
};

function isError(x: unknown): x is { error: string } {
  return x !== null && typeof x === 'object' && 'error' in x;
}

function expectFpdbError(fn: () => unknown, where: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown instanceof FpdbError, `${where}: expected an FpdbError`).toBe(true);
}

describe(`golden values from scikit-learn ${golden.meta.sklearn}`, () => {
  it('has enough cases', () => {
    expect(golden.labelCases.length).toBeGreaterThan(30);
    expect(golden.probCases.length).toBeGreaterThan(15);
  });

  describe.each(golden.labelCases.map((c) => [c.name, c] as const))('labels: %s', (_name, c) => {
    const opts = {
      ...(c.numClasses !== null ? { numClasses: c.numClasses } : {}),
      ...(c.classes !== null ? { classes: c.classes } : {}),
      ...(c.sampleWeight !== null ? { sampleWeight: c.sampleWeight } : {}),
    };
    const e = c.expected;
    it('accuracy and balanced accuracy', () => {
      expectClose(accuracy(c.yTrue, c.yPred, opts), e.accuracy, 'accuracy');
      expectClose(accuracy(c.yTrue, c.yPred, { ...opts, normalize: false }), e.accuracyCount, 'accuracy count');
      expectClose(balancedAccuracy(c.yTrue, c.yPred, opts), e.balancedAccuracy, 'balancedAccuracy');
      expectClose(balancedAccuracy(c.yTrue, c.yPred, { ...opts, adjusted: true }), e.balancedAccuracyAdjusted, 'adjusted');
    });
    it('confusion matrix, raw and normalised', () => {
      expectClose(confusionMatrix(c.yTrue, c.yPred, opts), e.confusionMatrix, 'cm');
      for (const norm of ['true', 'pred', 'all'] as const) {
        expectClose(confusionMatrix(c.yTrue, c.yPred, { ...opts, normalize: norm }), e[`confusionMatrix${norm}`], `cm ${norm}`);
      }
    });
    it('precision, recall, F-beta, support for every average, zeroDivision and beta', () => {
      for (const [key, want] of Object.entries(e.prf)) {
        const [avgS, zdS, betaS] = key.split('|') as [string, string, string];
        const average = (avgS === 'None' ? null : avgS) as Average;
        const zeroDivision = (zdS === 'warn' ? 'warn' : Number(zdS)) as ZeroDivision;
        const run = (): unknown => {
          const r = precisionRecallFscoreSupport(c.yTrue, c.yPred, { ...opts, average, zeroDivision, beta: Number(betaS) });
          return [r.precision, r.recall, r.fscore, r.support];
        };
        if (isError(want)) expectFpdbError(run, key);
        else expectClose(run(), want, key);
      }
    });
    it("Cohen's kappa (none, linear, quadratic) and MCC", () => {
      expectClose(cohenKappa(c.yTrue, c.yPred, opts), e.kappa.None, 'kappa');
      expectClose(cohenKappa(c.yTrue, c.yPred, { ...opts, weights: 'linear' }), e.kappa.linear, 'kappa linear');
      expectClose(cohenKappa(c.yTrue, c.yPred, { ...opts, weights: 'quadratic' }), e.kappa.quadratic, 'kappa quadratic');
      expectClose(matthewsCorrcoef(c.yTrue, c.yPred, opts), e.mcc, 'mcc');
    });
    it.runIf(c.sampleWeight === null)('classification report: text identical, JSON equal', () => {
      expect(classificationReport(c.yTrue, c.yPred, opts)).toBe(e.reportText2);
      expect(classificationReport(c.yTrue, c.yPred, { ...opts, digits: 4 })).toBe(e.reportText4);
      expectClose(classificationReport(c.yTrue, c.yPred, { ...opts, format: 'json' }), e.reportDict, 'report json');
      expectClose(classificationReport(c.yTrue, c.yPred, { ...opts, format: 'json', zeroDivision: 1 }), e.reportDictZd1, 'report json zd1');
    });
  });

  describe.each(golden.probCases.map((c) => [c.name, c] as const))('probabilities: %s', (_name, c) => {
    const opts = c.sampleWeight !== null ? { sampleWeight: c.sampleWeight } : {};
    const e = c.expected;
    const K = c.yProb[0]!.length;
    it('top-k accuracy', () => {
      for (const k of K === 2 ? [1, 2] : [1, 2, 3]) expectClose(topKAccuracy(c.yTrue, c.yProb, { ...opts, k }), e[`top${k}`], `top${k}`);
    });
    it('ROC-AUC (macro, weighted, micro, per class) or FpdbError where scikit-learn raises', () => {
      for (const [avg, want] of Object.entries(e.rocAuc)) {
        const average = avg === 'None' ? null : (avg as 'macro');
        const run = (): unknown => rocAuc(c.yTrue, c.yProb, { ...opts, average });
        if (isError(want)) {
          let err: unknown;
          try {
            run();
          } catch (x) {
            err = x;
          }
          expect(err instanceof FpdbError && err.code === 'FPDB_UNDEFINED_METRIC', `rocAuc ${avg}`).toBe(true);
        } else expectClose(run(), want, `rocAuc ${avg}`);
      }
    });
    it('average precision (macro, weighted, micro, per class)', () => {
      for (const [avg, want] of Object.entries(e.ap)) {
        expectClose(averagePrecision(c.yTrue, c.yProb, { ...opts, average: avg === 'None' ? null : (avg as 'macro') }), want, `ap ${avg}`);
      }
    });
    it('log loss, Brier score', () => {
      expectClose(logLoss(c.yTrue, c.yProb, opts), e.logLoss, 'logLoss');
      expectClose(logLoss(c.yTrue, c.yProb, { ...opts, normalize: false }), e.logLossSum, 'logLoss sum');
      expectClose(brierScore(c.yTrue, c.yProb, opts), e.brier, 'brier');
    });
    it('ECE and reliability bins (15 and 10 bins)', () => {
      expectClose(reliabilityBins(c.yTrue, c.yProb, opts), { numBins: 15, ...(e.calibration15 as object) }, 'calibration15');
      expectClose(reliabilityBins(c.yTrue, c.yProb, { ...opts, numBins: 10 }), { numBins: 10, ...(e.calibration10 as object) }, 'calibration10');
    });
    it.runIf(e.rocCurves !== undefined)('ROC and PR curves per class', () => {
      const roc = e.rocCurves as { class: number; undefined?: boolean; dropped?: number[][]; full?: number[][] }[];
      for (const r of roc) {
        const score = c.yProb.map((row) => row[r.class]!);
        if (r.undefined) {
          expectFpdbError(() => rocCurve(c.yTrue, score, { ...opts, posLabel: r.class }), `roc ${r.class}`);
          continue;
        }
        const d = rocCurve(c.yTrue, score, { ...opts, posLabel: r.class });
        expectClose([d.fpr, d.tpr, d.thresholds], r.dropped, `roc dropped ${r.class}`);
        const f = rocCurve(c.yTrue, score, { ...opts, posLabel: r.class, dropIntermediate: false });
        expectClose([f.fpr, f.tpr, f.thresholds], r.full, `roc full ${r.class}`);
      }
      for (const p of e.prCurves as { class: number; curve: number[][] }[]) {
        const score = c.yProb.map((row) => row[p.class]!);
        const pr = precisionRecallCurve(c.yTrue, score, { ...opts, posLabel: p.class });
        expectClose([pr.precision, pr.recall, pr.thresholds], p.curve, `pr ${p.class}`);
      }
    });
  });

  it('bootstrap percentiles follow numpy.percentile (linear)', () => {
    const sorted = [...golden.percentile.values].sort((a, b) => a - b);
    for (const [q, want] of Object.entries(golden.percentile.percentiles)) expectClose(percentileSorted(sorted, Number(q)), want, `p${q}`);
  });
});
