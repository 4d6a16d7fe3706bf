import type { ClassPrCurve } from '../average-precision.js';
import { curvePlot, type PlotCurve } from './curve-plot.js';

/** Options of {@link prCurvesSvg}. */
export interface PrCurvesSvgOptions {
  /** Figure title (default `Precision–recall curves (one-vs-rest)`). */
  title?: string;
}

function toPlot(c: PlotCurve | ClassPrCurve): PlotCurve {
  if ('curve' in c) return { name: c.name, x: c.curve.recall, y: c.curve.precision, area: c.averagePrecision };
  return c;
}

/**
 * Precision–recall curves of every class (one-vs-rest) as a standalone SVG, drawn as steps, with
 * the average precision per class in the legend.
 * @throws FpdbError FPDB_EMPTY (no curves), FPDB_LENGTH_MISMATCH (x/y lengths differ)
 * @example writeFileSync('pr.svg', prCurvesSvg(report.curves.pr))
 */
export function prCurvesSvg(curves: readonly (PlotCurve | ClassPrCurve)[], options?: PrCurvesSvgOptions): string {
  return curvePlot(curves.map(toPlot), {
    title: options?.title ?? 'Precision–recall curves (one-vs-rest)',
    xLabel: 'Recall (sensitivity)',
    yLabel: 'Precision (positive predictive value)',
    areaLabel: 'AP',
    kind: 'pr',
    desc: 'Precision against recall for each class against the rest, as steps; AP is the average precision.',
  });
}
