import { FpdbError } from '@fpdb/schema';
import { axes, DASHES, legend, LINE_COLORS, n, path, scale, svgDocument, textWidth, titleText, type LegendItem } from '../internal/svg.js';

/** One curve to plot: points (x, y), a name and its area (AUC or AP) for the legend. */
export interface PlotCurve {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Shown in the legend; null when undefined. */
  area?: number | null;
}

export interface CurvePlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  areaLabel: string;
  /** ROC: diagonal chance line; PR: step drawing. */
  kind: 'roc' | 'pr';
  desc: string;
}

/** Shared drawing of ROC and PR curve figures (square plot, legend on the right). */
export function curvePlot(curves: readonly PlotCurve[], spec: CurvePlotSpec): string {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new FpdbError('FPDB_EMPTY', `Nothing to plot: pass at least one curve (e.g. report.curves.${spec.kind}).`, { details: { argument: 'curves' } });
  }
  const fs = 12;
  const items: LegendItem[] = curves.map((c, i) => ({
    label: `${c.name} (${spec.areaLabel} ${c.area === null || c.area === undefined ? 'n/a' : c.area.toFixed(3)})`,
    color: LINE_COLORS[i % LINE_COLORS.length]!,
    dash: DASHES[i % DASHES.length]!,
  }));
  if (spec.kind === 'roc') items.push({ label: 'chance', color: '#888888', dash: '4 4' });
  const legendW = Math.max(...items.map((it) => textWidth(it.label, fs))) + 44;
  const plot = 380;
  const x0 = 70;
  const y0 = 46;
  const width = x0 + plot + 24 + legendW + 12;
  const height = y0 + plot + 58;
  const sx = scale(0, 1, x0, x0 + plot);
  const sy = scale(0, 1, y0 + plot, y0);
  let body = titleText(spec.title, width / 2, 26);
  body += axes({ x: x0, y: y0, w: plot, h: plot, xDomain: [0, 1], yDomain: [0, 1], xLabel: spec.xLabel, yLabel: spec.yLabel, xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], yTicks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  body += `<defs><clipPath id="plot-area"><rect x="${x0 - 2}" y="${y0 - 2}" width="${plot + 4}" height="${plot + 4}"/></clipPath></defs><g clip-path="url(#plot-area)" fill="none">`;
  if (spec.kind === 'roc') body += `<line x1="${n(sx(0))}" y1="${n(sy(0))}" x2="${n(sx(1))}" y2="${n(sy(1))}" stroke="#888888" stroke-width="1.5" stroke-dasharray="4 4"/>`;
  curves.forEach((c, i) => {
    if (c.x.length !== c.y.length) {
      throw new FpdbError('FPDB_LENGTH_MISMATCH', `Curve "${c.name}" has ${c.x.length} x values but ${c.y.length} y values.`, { details: { curve: c.name } });
    }
    let xs = c.x;
    let ys = c.y;
    if (spec.kind === 'pr') {
      // Step drawing ("steps-post" over decreasing recall), as scikit-learn's PrecisionRecallDisplay.
      const sx2: number[] = [];
      const sy2: number[] = [];
      for (let j = 0; j < c.x.length; j++) {
        if (j > 0) {
          sx2.push(c.x[j]!);
          sy2.push(c.y[j - 1]!);
        }
        sx2.push(c.x[j]!);
        sy2.push(c.y[j]!);
      }
      xs = sx2;
      ys = sy2;
    }
    const it = items[i]!;
    body += `<path d="${path(xs, ys, sx, sy)}" stroke="${it.color}" stroke-width="2.2" stroke-linejoin="round"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`;
  });
  body += `</g>`;
  body += legend(items, x0 + plot + 24, y0 + 4, fs).svg;
  return svgDocument(width, height, spec.title, spec.desc, body);
}
