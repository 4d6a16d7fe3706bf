import { FpdbError } from '@fpdb/schema';
import { axes, legend, LINE_COLORS, n, niceTicks, path, scale, svgDocument, textWidth, titleText, type LegendItem } from '../internal/svg.js';

/** One epoch of training history: `epoch` plus any numbers, e.g. trainLoss, valLoss, valMacroF1. */
export interface EpochRecord {
  epoch: number;
  trainLoss?: number;
  valLoss?: number;
  trainAccuracy?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  [metric: string]: number | undefined;
}

/** Input of {@link trainingCurvesSvg}. */
export interface TrainingCurvesSvgInput {
  epochs: readonly EpochRecord[];
  /** Figure title (default `Training curves`). */
  title?: string;
}

function split(key: string): { phase: 'train' | 'val' | 'other'; metric: string } {
  const m = /^(train|val|validation)(.+)$/.exec(key);
  if (!m) return { phase: 'other', metric: key };
  return { phase: m[1] === 'train' ? 'train' : 'val', metric: m[2]!.charAt(0).toLowerCase() + m[2]!.slice(1) };
}

function pretty(key: string): string {
  const { phase, metric } = split(key);
  const words = metric
    .replace(/F1/g, '-F1')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/-f1/g, '-F1')
    .replace(/^-/, '');
  return phase === 'other' ? words : `${phase === 'train' ? 'train' : 'validation'} ${words}`;
}

/**
 * Training curves as a standalone SVG: left panel the losses, right panel the other metrics per
 * epoch; train solid, validation dashed, one Okabe–Ito colour per metric, best validation-loss epoch marked.
 * @throws FpdbError FPDB_EMPTY (no epochs or no numeric series), FPDB_INVALID_ARGUMENT (epoch not a number)
 * @example trainingCurvesSvg({ epochs: [{ epoch: 1, trainLoss: 1.2, valLoss: 1.3, valMacroF1: 0.41 }, …] })
 */
export function trainingCurvesSvg(input: TrainingCurvesSvgInput): string {
  const epochs = input?.epochs;
  if (!Array.isArray(epochs) || epochs.length === 0) {
    throw new FpdbError('FPDB_EMPTY', `Pass { epochs: [{ epoch, trainLoss, valLoss, … }] } with at least one epoch.`, { details: { argument: 'epochs' } });
  }
  epochs.forEach((e, i) => {
    if (typeof e?.epoch !== 'number' || !Number.isFinite(e.epoch)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `epochs[${i}].epoch is ${String(e?.epoch)}; every record needs a numeric epoch.`, { details: { index: i } });
    }
  });
  const keys: string[] = [];
  for (const e of epochs) for (const [k, v] of Object.entries(e)) if (k !== 'epoch' && typeof v === 'number' && !keys.includes(k)) keys.push(k);
  if (keys.length === 0) throw new FpdbError('FPDB_EMPTY', `The epochs hold no metric besides epoch; add e.g. trainLoss and valLoss.`, { details: { argument: 'epochs' } });
  const lossKeys = keys.filter((k) => /loss/i.test(k));
  const metricKeys = keys.filter((k) => !/loss/i.test(k));
  const metricNames: string[] = [];
  for (const k of keys) {
    const m = split(k).metric;
    if (!metricNames.includes(m)) metricNames.push(m);
  }
  const colorOf = (k: string): string => LINE_COLORS[metricNames.indexOf(split(k).metric) % LINE_COLORS.length]!;
  const dashOf = (k: string): string => (split(k).phase === 'val' ? '7 4' : '');
  const xs = epochs.map((e) => e.epoch);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const xDomain: [number, number] = xMax > xMin ? [xMin, xMax] : [xMin - 1, xMax + 1];
  // Epochs are whole numbers: never a tick at 1.5. With few epochs, one tick per epoch.
  const wholeTicks = niceTicks(xDomain[0], xDomain[1], 6).filter((t) => Number.isInteger(t));
  const xTicks = wholeTicks.length >= 2 ? wholeTicks : Array.from({ length: Math.floor(xDomain[1]) - Math.ceil(xDomain[0]) + 1 }, (_, i) => Math.ceil(xDomain[0]) + i);

  const panels = [lossKeys, metricKeys].filter((p) => p.length > 0);
  const pw = 360;
  const ph = 280;
  const x0 = 70;
  const y0 = 50;
  const gap = 90;
  const items: LegendItem[] = keys.map((k) => ({ label: pretty(k), color: colorOf(k), dash: dashOf(k) }));
  const legendW = Math.max(...items.map((it) => textWidth(it.label, 12))) + 44;
  const width = x0 + panels.length * pw + (panels.length - 1) * gap + 24 + legendW;
  const height = y0 + ph + 60;
  const title = input.title ?? 'Training curves';
  let body = titleText(title, width / 2, 26);

  let bestEpoch: number | undefined;
  const valLoss = epochs.filter((e) => typeof e.valLoss === 'number' && Number.isFinite(e.valLoss));
  if (valLoss.length > 0) bestEpoch = valLoss.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b)).epoch;

  panels.forEach((pkeys, p) => {
    const px = x0 + p * (pw + gap);
    const vals: number[] = [];
    for (const e of epochs) for (const k of pkeys) if (typeof e[k] === 'number' && Number.isFinite(e[k])) vals.push(e[k]!);
    const isLoss = pkeys === lossKeys;
    let lo = Math.min(...vals);
    let hi = Math.max(...vals);
    if (!isLoss && lo >= 0 && hi <= 1) {
      lo = Math.max(0, Math.floor(lo * 10) / 10);
      hi = Math.min(1, Math.ceil(hi * 10) / 10);
    } else {
      lo = isLoss ? Math.min(0, lo) : lo;
      hi = hi + (hi - lo) * 0.05;
    }
    if (!(hi > lo)) hi = lo + 1;
    const sx = scale(xDomain[0], xDomain[1], px, px + pw);
    const sy = scale(lo, hi, y0 + ph, y0);
    body += axes({ x: px, y: y0, w: pw, h: ph, xDomain, yDomain: [lo, hi], xLabel: 'Epoch', yLabel: isLoss ? 'Loss' : 'Score', xTicks });
    if (bestEpoch !== undefined) {
      body += `<line x1="${n(sx(bestEpoch))}" y1="${y0}" x2="${n(sx(bestEpoch))}" y2="${y0 + ph}" stroke="#666666" stroke-dasharray="2 3"/>`;
      const right = sx(bestEpoch) > px + pw - 90;
      if (p === 0)
        body += `<text x="${n(sx(bestEpoch) + (right ? -4 : 4))}" y="${y0 + 14}" font-size="12" fill="#444" text-anchor="${right ? 'end' : 'start'}">best val loss (epoch ${bestEpoch})</text>`;
    }
    body += `<g fill="none">`;
    for (const k of pkeys) {
      const pts = epochs.filter((e) => typeof e[k] === 'number');
      body += `<path d="${path(
        pts.map((e) => e.epoch),
        pts.map((e) => e[k]!),
        sx,
        sy,
      )}" stroke="${colorOf(k)}" stroke-width="2.2"${dashOf(k) ? ` stroke-dasharray="${dashOf(k)}"` : ''}/>`;
      if (pts.length <= 40) for (const e of pts) body += `<circle cx="${n(sx(e.epoch))}" cy="${n(sy(e[k]!))}" r="2.5" fill="${colorOf(k)}"/>`;
    }
    body += `</g>`;
  });
  body += legend(items, x0 + panels.length * pw + (panels.length - 1) * gap + 24, y0 + 4).svg;
  const desc = `Per-epoch ${keys.map(pretty).join(', ')} over epochs ${xMin}–${xMax}; train solid, validation dashed.`;
  return svgDocument(width, height, title, desc, body);
}
