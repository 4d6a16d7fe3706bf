import { gather, prepareDataset, toKeys, type MetricSample, type PredictionData } from './internal/dataset.js';

/** The metric value of one group. */
export interface GroupResult<T> {
  /** The key (e.g. `Voluson S10`). */
  group: string;
  /** Number of samples in the group. */
  count: number;
  value: T;
}

/** Options of {@link groupBy}. */
export interface GroupByOptions {
  /** Group order (keys not listed follow, sorted); default: sorted keys. */
  order?: readonly string[];
}

/**
 * Computes a metric separately for each key (US machine, operator, patient…), for device-shift and
 * subgroup reports. The callback gets each group's subset ready for the metric functions.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT;
 *   whatever the callback throws
 * @example
 * groupBy(machines, { yTrue, yProb, classes }, (s) => accuracy(s.yTrue, s.yPred))
 * // [{ group: 'Aloka', count: 2089, value: 0.91 }, …]
 */
export function groupBy<T>(keys: ArrayLike<string | number>, data: PredictionData, metric: (sample: MetricSample, group: string) => T, options?: GroupByOptions): GroupResult<T>[] {
  const d = prepareDataset(data);
  const k = toKeys(keys, d.n, 'keys');
  const members = new Map<string, number[]>();
  for (let i = 0; i < d.n; i++) {
    let list = members.get(k[i]!);
    if (list === undefined) members.set(k[i]!, (list = []));
    list.push(i);
  }
  const sorted = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const order = options?.order ? [...options.order.filter((g) => members.has(g)), ...sorted.filter((g) => !options.order!.includes(g))] : sorted;
  return order.map((group) => {
    const idx = Int32Array.from(members.get(group)!);
    return { group, count: idx.length, value: metric(gather(d, idx), group) };
  });
}
