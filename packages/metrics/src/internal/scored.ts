import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from '../types.js';
import { requireInRange, requireNonEmpty, requireSameLength, statedNumClasses, toLabels, toWeights } from './labels.js';
import { toProbs, type ProbMatrix } from './probabilities.js';

/** Validated labels with their [n, K] probabilities; K comes from the probabilities' columns. */
export interface Scored {
  yTrue: Int32Array;
  prob: ProbMatrix;
  weights: Float64Array | null;
  names: string[];
}

export interface ScoredOptions extends ClassOptions {
  sampleWeight?: WeightInput | undefined;
  /** Absolute tolerance on probability row sums. */
  tolerance?: number | undefined;
}

export function prepareScored(yTrue: LabelInput, yProb: ProbabilityInput, options: ScoredOptions | undefined): Scored {
  const t = toLabels(yTrue, 'yTrue');
  requireNonEmpty(t.length, 'yTrue');
  const prob = toProbs(yProb, { numClasses: statedNumClasses(options), tolerance: options?.tolerance });
  requireSameLength(t.length, 'yTrue', prob.n, 'yProb');
  requireInRange(t, prob.k, 'yTrue');
  const weights = toWeights(options?.sampleWeight, t.length);
  const names = options?.classes ? options.classes.map(String) : Array.from({ length: prob.k }, (_, i) => String(i));
  return { yTrue: t, prob, weights, names };
}

/** Column c of a probability matrix. */
export function column(p: ProbMatrix, c: number): Float64Array {
  const out = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) out[i] = p.data[i * p.k + c]!;
  return out;
}

/** 1 where yTrue equals c. */
export function indicator(yTrue: Int32Array, c: number): Uint8Array {
  const out = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) out[i] = yTrue[i] === c ? 1 : 0;
  return out;
}

/** Sum of weights (or count) of samples of class c. */
export function positives(isPos: Uint8Array, weights: Float64Array | null): number {
  let s = 0;
  for (let i = 0; i < isPos.length; i++) if (isPos[i]) s += weights === null ? 1 : weights[i]!;
  return s;
}
