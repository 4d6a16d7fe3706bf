import type { EvaluationReport } from '@fpdb/metrics';

/** How a model fails classes on a test set: what the report's top warning names. */
export interface ClassFailures {
  /** The one class predicted for every image, when the model predicts a single class. */
  onlyClass: string | null;
  /** Classes present in the test set that the model never predicts. */
  neverPredicted: string[];
  /** Classes present in the test set with a recall of 0 (none of their images recognised). */
  zeroRecall: string[];
}

/** The classes a model fails on a test set (see {@link ClassFailures}). */
export function classFailures(e: Pick<EvaluationReport, 'perClass'>): ClassFailures {
  const present = e.perClass.filter((c) => c.support > 0);
  const predicted = e.perClass.filter((c) => c.predicted > 0);
  return {
    onlyClass: predicted.length === 1 && e.perClass.length > 1 ? predicted[0]!.name : null,
    neverPredicted: present.filter((c) => c.predicted === 0).map((c) => c.name),
    zeroRecall: present.filter((c) => c.recall === 0).map((c) => c.name),
  };
}

const list = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** The class-failure warnings of a test set as sentences, most severe first; empty when every class is predicted and recognised. */
export function classFailureWarnings(e: Pick<EvaluationReport, 'perClass'>): string[] {
  const f = classFailures(e);
  const out: string[] = [];
  if (f.onlyClass !== null) out.push(`The model predicts one class, "${f.onlyClass}", for every test image: it has not learned to tell the classes apart.`);
  if (f.neverPredicted.length > 0 && f.onlyClass === null)
    out.push(`The model never predicts ${list(f.neverPredicted)}, although the test set has images of ${f.neverPredicted.length === 1 ? 'it' : 'them'}.`);
  const missed = f.zeroRecall.filter((n) => !f.neverPredicted.includes(n));
  if (missed.length > 0) out.push(`The model recognises none of the test images of ${list(missed)} (recall 0).`);
  return out;
}
