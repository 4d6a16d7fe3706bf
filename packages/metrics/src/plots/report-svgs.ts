import type { EvaluationReport } from '../evaluation-report.js';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { prCurvesSvg } from './pr-curves-svg.js';
import { reliabilityDiagramSvg } from './reliability-diagram-svg.js';
import { rocCurvesSvg } from './roc-curves-svg.js';

/** The standard figures of an evaluation report, as SVG strings. */
export interface ReportSvgs {
  confusionMatrix: string;
  confusionMatrixCounts: string;
  rocCurves: string;
  prCurves: string;
  reliabilityDiagram: string;
}

/**
 * Draws every standard figure of an {@link EvaluationReport} (no browser needed).
 * @throws FpdbError FPDB_SHAPE, FPDB_EMPTY on a malformed report
 * @example for (const [name, svg] of Object.entries(reportSvgs(report))) writeFileSync(`${name}.svg`, svg)
 */
export function reportSvgs(report: EvaluationReport): ReportSvgs {
  const defined = report.curves.roc.filter((c) => c.area !== null);
  return {
    confusionMatrix: confusionMatrixSvg({ counts: report.confusionMatrix.counts, classes: report.classes, normalize: 'true', title: 'Confusion matrix (row-normalised)' }),
    confusionMatrixCounts: confusionMatrixSvg({ counts: report.confusionMatrix.counts, classes: report.classes, normalize: null, title: 'Confusion matrix (counts)' }),
    rocCurves: rocCurvesSvg(defined.length > 0 ? defined : report.curves.roc),
    prCurves: prCurvesSvg(report.curves.pr),
    reliabilityDiagram: reliabilityDiagramSvg(report.calibration),
  };
}
