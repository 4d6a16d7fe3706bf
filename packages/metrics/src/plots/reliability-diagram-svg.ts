import { FpdbError } from '@fpdb/schema';
import type { Calibration } from '../calibration.js';
import { escapeXml } from '../escape-xml.js';
import { axes, legend, n, scale, svgDocument, titleText } from '../internal/svg.js';

/** Options of {@link reliabilityDiagramSvg}. */
export interface ReliabilityDiagramSvgOptions {
  /** Figure title (default `Reliability diagram`). */
  title?: string;
}

/**
 * Reliability diagram as a standalone SVG: accuracy per confidence bin (bars) against the diagonal of
 * perfect calibration, the gap to each bin's mean confidence, ECE/MCE, and a histogram of how many
 * predictions fall in each bin.
 * @throws FpdbError FPDB_INVALID_ARGUMENT when calibration has no bins
 * @example writeFileSync('reliability.svg', reliabilityDiagramSvg(report.calibration))
 */
export function reliabilityDiagramSvg(calibration: Calibration, options?: ReliabilityDiagramSvgOptions): string {
  if (calibration === null || typeof calibration !== 'object' || !Array.isArray(calibration.bins) || calibration.bins.length === 0) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Pass the result of reliabilityBins() or report.calibration.`, { details: { argument: 'calibration' } });
  }
  const title = options?.title ?? 'Reliability diagram';
  const x0 = 70;
  const y0 = 46;
  const plot = 380;
  const histH = 90;
  const histY = y0 + plot + 56;
  const width = x0 + plot + 210;
  const height = histY + histH + 50;
  const sx = scale(0, 1, x0, x0 + plot);
  const sy = scale(0, 1, y0 + plot, y0);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  let body = titleText(title, width / 2, 26);
  body += axes({ x: x0, y: y0, w: plot, h: plot, xDomain: [0, 1], yDomain: [0, 1], xLabel: 'Confidence (top-class probability)', yLabel: 'Accuracy', xTicks: ticks, yTicks: ticks });
  body += `<defs><pattern id="gap-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="6" stroke="#D55E00" stroke-width="2.5"/></pattern></defs>`;
  body += `<g class="bins">`;
  for (const b of calibration.bins) {
    if (b.count === 0 || b.accuracy === null || b.confidence === null) continue;
    const x = sx(b.lower) + 1;
    const w = sx(b.upper) - sx(b.lower) - 2;
    body += `<rect x="${n(x)}" y="${n(sy(b.accuracy))}" width="${n(w)}" height="${n(sy(0) - sy(b.accuracy))}" fill="#0072B2" fill-opacity="0.85"><title>${escapeXml(`${b.lower.toFixed(2)}–${b.upper.toFixed(2)}: accuracy ${b.accuracy.toFixed(3)}, confidence ${b.confidence.toFixed(3)}, n = ${b.count}`)}</title></rect>`;
    const top = Math.max(b.accuracy, b.confidence);
    const bottom = Math.min(b.accuracy, b.confidence);
    // The gap is hatched so it reads over the bar (under-confident) and over white (over-confident).
    body += `<rect x="${n(x)}" y="${n(sy(top))}" width="${n(w)}" height="${n(Math.max(0.5, sy(bottom) - sy(top)))}" fill="url(#gap-hatch)" stroke="#D55E00" stroke-width="1.2"/>`;
    body += `<line x1="${n(x)}" y1="${n(sy(b.confidence))}" x2="${n(x + w)}" y2="${n(sy(b.confidence))}" stroke="#000000" stroke-width="2"/>`;
  }
  body += `</g><line x1="${n(sx(0))}" y1="${n(sy(0))}" x2="${n(sx(1))}" y2="${n(sy(1))}" stroke="#888888" stroke-width="1.5" stroke-dasharray="4 4"/>`;
  body += legend(
    [
      { label: 'accuracy per bin', color: '#0072B2', kind: 'box' },
      { label: 'gap to confidence', color: 'url(#gap-hatch)', kind: 'box' },
      { label: 'mean confidence', color: '#000000' },
      { label: 'perfect calibration', color: '#888888', dash: '4 4' },
    ],
    x0 + plot + 20,
    y0 + 4,
  ).svg;
  body += `<g font-size="13" fill="#222"><text x="${n(x0 + plot + 20)}" y="${n(y0 + 120)}">ECE ${calibration.ece.toFixed(3)}</text><text x="${n(x0 + plot + 20)}" y="${n(y0 + 140)}">MCE ${calibration.mce.toFixed(3)}</text><text x="${n(x0 + plot + 20)}" y="${n(y0 + 160)}">${calibration.numBins} equal-width bins</text></g>`;
  // Histogram of counts.
  const total = calibration.bins.reduce((s, b) => s + b.count, 0);
  const maxShare = Math.max(...calibration.bins.map((b) => (total === 0 ? 0 : b.count / total)), 1e-9);
  const hy = scale(0, maxShare, histY + histH, histY);
  body += `<g class="histogram" font-size="12" fill="#222"><rect x="${x0}" y="${histY}" width="${plot}" height="${histH}" fill="none" stroke="#444"/>`;
  for (const b of calibration.bins) {
    if (b.count === 0) continue;
    const share = b.count / total;
    body += `<rect x="${n(sx(b.lower) + 1)}" y="${n(hy(share))}" width="${n(sx(b.upper) - sx(b.lower) - 2)}" height="${n(histY + histH - hy(share))}" fill="#56B4E9"/>`;
  }
  for (const t of ticks) body += `<text x="${n(sx(t))}" y="${n(histY + histH + 16)}" text-anchor="middle">${t}</text>`;
  body += `<text x="${n(x0 - 6)}" y="${n(histY)}" dy="0.7em" text-anchor="end">${(maxShare * 100).toFixed(0)}%</text><text x="${n(x0 - 6)}" y="${n(histY + histH)}" text-anchor="end">0</text>`;
  body += `<text x="${n(x0 + plot + 12)}" y="${n(histY + histH / 2)}" dy="0.35em">share of predictions</text>`;
  body += `<text x="${n(x0 + plot / 2)}" y="${n(histY + histH + 36)}" text-anchor="middle" font-size="13">Confidence</text></g>`;
  const desc = `Accuracy against confidence in ${calibration.numBins} bins; ECE ${calibration.ece.toFixed(4)}, MCE ${calibration.mce.toFixed(4)}. Bars below the diagonal are over-confident.`;
  return svgDocument(width, height, title, desc, body);
}
