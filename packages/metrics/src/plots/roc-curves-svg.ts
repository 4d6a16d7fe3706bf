import type { ClassRocCurve } from '../roc.js';
import { curvePlot, type PlotCurve } from './curve-plot.js';

/** Options of {@link rocCurvesSvg}. */
export interface RocCurvesSvgOptions {
  /** Figure title (default `ROC curves (one-vs-rest)`). */
  title?: string;
}

function toPlot(c: PlotCurve | ClassRocCurve): PlotCurve {
  if ('curve' in c) return { name: c.name, x: c.curve?.fpr ?? [], y: c.curve?.tpr ?? [], area: c.auc };
  return c;
}

/**
 * ROC curves of every class (one-vs-rest) as a standalone SVG: Okabe–Ito colours with distinct
 * dashes, AUC per class in the legend, the chance diagonal.
 * @throws FpdbError FPDB_EMPTY (no curves), FPDB_LENGTH_MISMATCH (x/y lengths differ)
 * @example writeFileSync('roc.svg', rocCurvesSvg(report.curves.roc))
 */
export function rocCurvesSvg(curves: readonly (PlotCurve | ClassRocCurve)[], options?: RocCurvesSvgOptions): string {
  return curvePlot(curves.map(toPlot), {
    title: options?.title ?? 'ROC curves (one-vs-rest)',
    xLabel: 'False positive rate (1 − specificity)',
    yLabel: 'True positive rate (sensitivity)',
    areaLabel: 'AUC',
    kind: 'roc',
    desc: 'Receiver operating characteristic curve of each class against the rest; the dashed diagonal is chance.',
  });
}
