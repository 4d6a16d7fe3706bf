import type { EvaluationReport, ReportInterval } from './evaluation-report.js';

/** One line of an evaluation report's summary: what every report format lists, in this order. */
export interface SummaryRow {
  /** The metric as people read it, e.g. `macro F1`, `ECE (15 bins)`. */
  label: string;
  value: number | null;
  /** Its bootstrap interval, for the metrics the bootstrap covers. */
  interval: ReportInterval | null;
}

/**
 * The summary metrics of an evaluation report with their intervals: the one list the Markdown report, the
 * run report's HTML and `fpdb eval` show, so the formats never disagree on what is reported.
 * @example summaryRows(report).map((r) => `${r.label}: ${r.value?.toFixed(3)}`)
 */
export function summaryRows(report: EvaluationReport): SummaryRow[] {
  const s = report.summary;
  const b = report.bootstrap;
  const row = (label: string, value: number | null, interval?: ReportInterval | null): SummaryRow => ({ label, value, interval: interval ?? null });
  return [
    row('accuracy', s.accuracy, b?.accuracy),
    row('balanced accuracy', s.balancedAccuracy, b?.balancedAccuracy),
    row('macro F1', s.macroF1, b?.macroF1),
    row('weighted F1', s.weightedF1),
    row('macro precision', s.macroPrecision),
    row('macro recall', s.macroRecall),
    ...(s.top2Accuracy !== null ? [row('top-2 accuracy', s.top2Accuracy)] : []),
    row("Cohen's kappa", s.cohenKappa),
    row("Cohen's kappa (quadratic)", s.cohenKappaQuadratic),
    row('Matthews correlation', s.matthewsCorrcoef),
    row('ROC-AUC (macro, one-vs-rest)', s.rocAucMacro, b?.rocAucMacro),
    row('ROC-AUC (weighted)', s.rocAucWeighted),
    row('average precision (macro)', s.averagePrecisionMacro),
    row('log loss (nats)', s.logLoss),
    row('Brier score', s.brierScore),
    row(`ECE (${report.calibration.numBins} bins)`, s.ece),
  ];
}
