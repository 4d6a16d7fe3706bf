import { FpdbError } from '@fpdb/schema';
import type { Average, ZeroDivision } from '../types.js';
import type { ClassCounts } from './pair.js';

export interface PrfValues {
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
}

export interface PrfAveraged {
  precision: number;
  recall: number;
  fscore: number;
}

export function zeroDivisionValue(z: ZeroDivision | undefined): number {
  if (z === undefined || z === 'warn' || z === 0) return 0;
  if (z === 1) return 1;
  throw new FpdbError('FPDB_INVALID_ARGUMENT', `zeroDivision must be 'warn', 0 or 1; got ${String(z)}.`, { details: { argument: 'zeroDivision', value: z } });
}

export function checkBeta(beta: number): void {
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `beta must be a number ≥ 0 (F-beta weighs recall beta times as much as precision); got ${String(beta)}.`, {
      details: { argument: 'beta', value: beta },
    });
  }
}

function divide(num: number, den: number, zd: number): number {
  return den === 0 ? zd : num / den;
}

/**
 * Per-label precision/recall/F-beta exactly like scikit-learn 1.2 `precision_recall_fscore_support`
 * (precision and recall first, then F from them), for the selected label indices (−1 = an absent label).
 */
export function prfPerLabel(c: ClassCounts, selected: readonly number[], beta: number, zd: number): PrfValues {
  const b2 = beta * beta;
  const precision: number[] = [];
  const recall: number[] = [];
  const fscore: number[] = [];
  const support: number[] = [];
  for (const j of selected) {
    const tp = j < 0 ? 0 : c.tp[j]!;
    const ps = j < 0 ? 0 : c.predSum[j]!;
    const ts = j < 0 ? 0 : c.trueSum[j]!;
    const p = divide(tp, ps, zd);
    const r = divide(tp, ts, zd);
    let f: number;
    if (beta === Infinity) f = r;
    else {
      let den = b2 * p + r;
      if (den === 0) den = 1;
      f = ((1 + b2) * p * r) / den;
    }
    precision.push(p);
    recall.push(r);
    fscore.push(f);
    support.push(ts);
  }
  return { precision, recall, fscore, support };
}

function mean(a: readonly number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

function weightedMean(a: readonly number[], w: readonly number[]): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * w[i]!;
    sw += w[i]!;
  }
  return s / sw;
}

/** Averaged precision/recall/F-beta (micro, macro, weighted, binary) with scikit-learn 1.2 semantics. */
export function prfAveraged(c: ClassCounts, selected: readonly number[], average: Exclude<Average, null>, beta: number, zd: number): PrfAveraged {
  if (average === 'micro') {
    let tp = 0;
    let ps = 0;
    let ts = 0;
    for (const j of selected) {
      if (j < 0) continue;
      tp += c.tp[j]!;
      ps += c.predSum[j]!;
      ts += c.trueSum[j]!;
    }
    const v = prfPerLabel({ tp: Float64Array.of(tp), predSum: Float64Array.of(ps), trueSum: Float64Array.of(ts) }, [0], beta, zd);
    return { precision: v.precision[0]!, recall: v.recall[0]!, fscore: v.fscore[0]! };
  }
  const v = prfPerLabel(c, selected, beta, zd);
  if (average === 'weighted') {
    let wsum = 0;
    let psum = 0;
    for (const j of selected) {
      if (j < 0) continue;
      wsum += c.trueSum[j]!;
      psum += c.predSum[j]!;
    }
    if (wsum === 0) {
      return psum === 0 ? { precision: zd, recall: zd, fscore: zd } : { precision: 0, recall: zd, fscore: 0 };
    }
    return {
      precision: weightedMean(v.precision, v.support),
      recall: weightedMean(v.recall, v.support),
      fscore: weightedMean(v.fscore, v.support),
    };
  }
  return { precision: mean(v.precision), recall: mean(v.recall), fscore: mean(v.fscore) };
}
