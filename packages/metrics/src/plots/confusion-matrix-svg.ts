import { FpdbError } from '@fpdb/schema';
import { escapeXml } from '../escape-xml.js';
import { n, prefersDarkText, svgDocument, textWidth, titleText, viridis } from '../internal/svg.js';

/** Input of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixSvgInput {
  /** Counts [K, K], rows = true class, columns = prediction (e.g. `report.confusionMatrix.counts`). */
  counts: readonly (readonly number[])[];
  /** Class names in index order; default 0…K-1. */
  classes?: readonly string[];
  /** `'true'` (default): colour by the share of the row (recall per cell) and print count and %; null: colour by count. */
  normalize?: 'true' | null;
  /** Figure title (default `Confusion matrix`). */
  title?: string;
}

/**
 * Confusion-matrix heatmap as a standalone SVG string: viridis cells (colour-blind-safe), counts and
 * row percentages in each cell, class names on both axes, a colour bar.
 * @throws FpdbError FPDB_SHAPE when counts is not square or does not match classes
 * @example writeFileSync('cm.svg', confusionMatrixSvg({ counts: report.confusionMatrix.counts, classes: report.classes }))
 */
export function confusionMatrixSvg(input: ConfusionMatrixSvgInput): string {
  const counts = input.counts;
  const k = counts.length;
  if (k === 0 || counts.some((r) => r.length !== k)) {
    throw new FpdbError('FPDB_SHAPE', `counts must be a square K×K matrix; got ${k} rows of lengths ${counts.map((r) => r.length).join(', ')}.`, {
      details: { argument: 'counts' },
    });
  }
  const names = input.classes ? input.classes.map(String) : Array.from({ length: k }, (_, i) => String(i));
  if (names.length !== k) {
    throw new FpdbError('FPDB_SHAPE', `classes has ${names.length} names but counts is ${k}×${k}.`, { details: { argument: 'classes' } });
  }
  const byRow = input.normalize === undefined || input.normalize === 'true';
  const rowSum = counts.map((r) => r.reduce((a, b) => a + b, 0));
  let max = 0;
  for (const r of counts) for (const v of r) max = Math.max(max, v);
  const value = (i: number, j: number): number => (byRow ? (rowSum[i]! === 0 ? 0 : counts[i]![j]! / rowSum[i]!) : max === 0 ? 0 : counts[i]![j]! / max);

  const cell = Math.max(56, Math.min(96, Math.round(560 / k)));
  const fs = 13;
  const rowLabelW = Math.max(...names.map((s) => textWidth(s, fs))) + 12;
  // Column labels are rotated 40°; their vertical extent is ~ sin(40°)·width.
  const colLabelH = Math.max(...names.map((s) => textWidth(s, fs))) * 0.64 + 16;
  const left = 34 + rowLabelW;
  const top = 48;
  const gridW = cell * k;
  const barX = left + gridW + 24;
  const width = barX + 70;
  const height = top + gridW + colLabelH + 36;
  const title = input.title ?? 'Confusion matrix';

  let body = titleText(title, width / 2, 26);
  body += `<g class="cells" font-size="${cell >= 72 ? 14 : 12}">`;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const color = viridis(value(i, j));
      const x = left + j * cell;
      const y = top + i * cell;
      const ink = prefersDarkText(color) ? '#111111' : '#ffffff';
      const share = rowSum[i]! === 0 ? 0 : counts[i]![j]! / rowSum[i]!;
      body += `<rect x="${n(x)}" y="${n(y)}" width="${cell}" height="${cell}" fill="${color}" stroke="#ffffff" stroke-width="1"><title>${escapeXml(`true ${names[i]}, predicted ${names[j]}: ${counts[i]![j]} (${(share * 100).toFixed(1)} % of row)`)}</title></rect>`;
      body += `<text x="${n(x + cell / 2)}" y="${n(y + cell / 2 - (byRow ? 7 : 0))}" dy="0.35em" text-anchor="middle" fill="${ink}" font-weight="${i === j ? 'bold' : 'normal'}">${escapeXml(String(Math.round(counts[i]![j]! * 1000) / 1000))}</text>`;
      if (byRow) body += `<text x="${n(x + cell / 2)}" y="${n(y + cell / 2 + 10)}" dy="0.35em" text-anchor="middle" fill="${ink}" font-size="12">${escapeXml(`${(share * 100).toFixed(1)}%`)}</text>`;
    }
  }
  body += `</g><g class="labels" font-size="${fs}" fill="#222">`;
  for (let i = 0; i < k; i++) {
    body += `<text x="${n(left - 8)}" y="${n(top + i * cell + cell / 2)}" dy="0.35em" text-anchor="end">${escapeXml(names[i]!)}</text>`;
    const cx = left + i * cell + cell / 2;
    const cy = top + gridW + 10;
    body += `<text transform="translate(${n(cx)} ${n(cy)}) rotate(-40)" text-anchor="end" dy="0.7em">${escapeXml(names[i]!)}</text>`;
  }
  body += `<text transform="translate(14 ${n(top + gridW / 2)}) rotate(-90)" text-anchor="middle" font-size="14" dy="0.35em">True class</text>`;
  body += `<text x="${n(left + gridW / 2)}" y="${n(top + gridW + colLabelH + 18)}" text-anchor="middle" font-size="14">Predicted class</text>`;
  body += `</g>`;
  // Colour bar.
  const steps = 32;
  body += `<g class="colorbar" font-size="12" fill="#222">`;
  for (let s = 0; s < steps; s++) {
    const t0 = s / steps;
    body += `<rect x="${n(barX)}" y="${n(top + gridW - (s + 1) * (gridW / steps))}" width="14" height="${n(gridW / steps + 0.5)}" fill="${viridis(t0 + 0.5 / steps)}"/>`;
  }
  body += `<rect x="${n(barX)}" y="${n(top)}" width="14" height="${n(gridW)}" fill="none" stroke="#444"/>`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + gridW - t * gridW;
    const label = byRow ? `${Math.round(t * 100)}%` : String(Math.round(t * max));
    body += `<line x1="${n(barX + 14)}" y1="${n(y)}" x2="${n(barX + 18)}" y2="${n(y)}" stroke="#444"/><text x="${n(barX + 21)}" y="${n(y)}" dy="0.35em">${escapeXml(label)}</text>`;
  }
  body += `<text transform="translate(${n(barX + 62)} ${n(top + gridW / 2)}) rotate(-90)" text-anchor="middle">${byRow ? 'share of true class' : 'count'}</text></g>`;
  const desc = `Rows: true class; columns: predicted class; ${byRow ? 'colour: share of the row' : 'colour: count'}. Classes: ${names.join(', ')}.`;
  return svgDocument(width, height, title, desc, body);
}
