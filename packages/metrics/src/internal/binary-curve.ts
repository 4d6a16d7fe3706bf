/** Cumulative false/true positives at each distinct score threshold (descending), as scikit-learn's `_binary_clf_curve`. */
export interface ClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** Indices of `score` sorted by descending score; ties put the later index first (numpy mergesort reversed). */
export function descendingOrder(score: ArrayLike<number>, indices?: Uint32Array): Uint32Array {
  const order = indices ?? Uint32Array.from({ length: score.length }, (_, i) => i);
  order.sort((a, b) => score[b]! - score[a]! || b - a);
  return order;
}

/**
 * Builds the threshold curve of binary truth `isPos` against `score`. Zero-weight samples are
 * dropped first, as scikit-learn does.
 */
export function binaryClfCurve(isPos: Uint8Array, score: Float64Array, weights: Float64Array | null): ClfCurve {
  let idx: Uint32Array;
  if (weights === null) idx = Uint32Array.from({ length: score.length }, (_, i) => i);
  else {
    const keep: number[] = [];
    for (let i = 0; i < score.length; i++) if (weights[i] !== 0) keep.push(i);
    idx = Uint32Array.from(keep);
  }
  const order = descendingOrder(score, idx);
  const m = order.length;
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < m; r++) {
    const i = order[r]!;
    const w = weights === null ? 1 : weights[i]!;
    if (isPos[i]) tp += w;
    else fp += w;
    if (r === m - 1 || score[order[r + 1]!] !== score[i]) {
      tps.push(tp);
      fps.push(weights === null ? r + 1 - tp : fp);
      thr.push(score[i]!);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thr) };
}

/** Trapezoidal area under y(x), like numpy.trapz (x may be increasing or decreasing). */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

/**
 * ROC AUC of integer-weighted samples over a precomputed descending order (the bootstrap fast path):
 * O(n), identical to the AUC of the resampled data. Returns NaN when a side has zero weight.
 */
export function weightedAucSorted(order: Uint32Array, score: ArrayLike<number>, isPos: Uint8Array, weights: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area2 = 0;
  const m = order.length;
  for (let r = 0; r < m; r++) {
    const i = order[r]!;
    const w = weights[i]!;
    if (w !== 0) {
      if (isPos[i]) tp += w;
      else fp += w;
    }
    if (r === m - 1 || score[order[r + 1]!] !== score[i]) {
      area2 += (fp - prevFp) * (tp + prevTp);
      prevTp = tp;
      prevFp = fp;
    }
  }
  if (tp === 0 || fp === 0) return NaN;
  return area2 / 2 / (tp * fp);
}
