import { escapeXml } from '../escape-xml.js';
/**
 * Okabe–Ito colours ordered for lines on white (yellow last: too light for thin lines).
 * Okabe & Ito (2008), "Color Universal Design".
 */
export const LINE_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;

/** Dash patterns paired with colours so series differ without colour too. */
export const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 2 1 2', '3 3'] as const;

/** Viridis at 9 evenly spaced stops (perceptually uniform, colour-blind-safe). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function hexToRgb(h: string): [number, number, number] {
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** Viridis colour of t in [0, 1] (linear interpolation between stops). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(VIRIDIS[i]!);
  const b = hexToRgb(VIRIDIS[i + 1]!);
  const c = a.map((v, j) => Math.round(v + (b[j]! - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Whether black text reads better than white on a colour (WCAG relative luminance). */
export function prefersDarkText(hex: string): boolean {
  const lin = hexToRgb(hex).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05);
}

/** A coordinate with at most 2 decimals. */
export function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Rough width of text in a sans-serif font (for layout without a browser). */
export function textWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) w += /[iljtf.,:;'|!() ]/.test(ch) ? 0.32 : /[mwMW]/.test(ch) ? 0.86 : /[A-Z]/.test(ch) ? 0.68 : 0.56;
  return w * fontSize;
}

/** Up to ~count "nice" ticks covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** Formats a tick label without float noise. */
export function tickLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export const FONT = 'Helvetica, Arial, sans-serif';

/** Wraps body in a standalone SVG document with an accessible title and description. */
export function svgDocument(width: number, height: number, title: string, desc: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img" aria-labelledby="t d" font-family="${FONT}">` +
    `<title id="t">${escapeXml(title)}</title><desc id="d">${escapeXml(desc)}</desc>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    body +
    `</svg>\n`
  );
}

/** A linear scale from a data interval to a pixel interval. */
export function scale(d0: number, d1: number, p0: number, p1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (p1 - p0) / (d1 - d0);
  return (v) => p0 + (v - d0) * k;
}

export interface AxesSpec {
  x: number;
  y: number;
  w: number;
  h: number;
  xDomain: [number, number];
  yDomain: [number, number];
  xLabel: string;
  yLabel: string;
  xTicks?: number[];
  yTicks?: number[];
}

/** Frame, grid, ticks and axis labels of a plot area. */
export function axes(a: AxesSpec): string {
  const sx = scale(a.xDomain[0], a.xDomain[1], a.x, a.x + a.w);
  const sy = scale(a.yDomain[0], a.yDomain[1], a.y + a.h, a.y);
  const xt = a.xTicks ?? niceTicks(a.xDomain[0], a.xDomain[1]);
  const yt = a.yTicks ?? niceTicks(a.yDomain[0], a.yDomain[1]);
  let s = `<g class="axes" font-size="12" fill="#222">`;
  for (const v of xt) {
    const px = n(sx(v));
    s += `<line x1="${px}" y1="${n(a.y)}" x2="${px}" y2="${n(a.y + a.h)}" stroke="#e5e5e5"/>`;
    s += `<text x="${px}" y="${n(a.y + a.h + 16)}" text-anchor="middle">${escapeXml(tickLabel(v))}</text>`;
  }
  for (const v of yt) {
    const py = n(sy(v));
    s += `<line x1="${n(a.x)}" y1="${py}" x2="${n(a.x + a.w)}" y2="${py}" stroke="#e5e5e5"/>`;
    s += `<text x="${n(a.x - 6)}" y="${py}" dy="0.35em" text-anchor="end">${escapeXml(tickLabel(v))}</text>`;
  }
  s += `<rect x="${n(a.x)}" y="${n(a.y)}" width="${n(a.w)}" height="${n(a.h)}" fill="none" stroke="#444"/>`;
  s += `<text x="${n(a.x + a.w / 2)}" y="${n(a.y + a.h + 38)}" text-anchor="middle" font-size="13">${escapeXml(a.xLabel)}</text>`;
  s += `<text transform="translate(${n(a.x - 44)} ${n(a.y + a.h / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(a.yLabel)}</text>`;
  return `${s}</g>`;
}

export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
  kind?: 'line' | 'box';
}

/** A vertical legend at (x, y); returns the markup and its height. */
export function legend(items: readonly LegendItem[], x: number, y: number, fontSize = 12): { svg: string; height: number } {
  let s = `<g class="legend" font-size="${fontSize}" fill="#222">`;
  const row = fontSize + 8;
  items.forEach((it, i) => {
    const cy = y + i * row + row / 2;
    if (it.kind === 'box') s += `<rect x="${n(x)}" y="${n(cy - 6)}" width="22" height="12" fill="${it.color}"/>`;
    else s += `<line x1="${n(x)}" y1="${n(cy)}" x2="${n(x + 26)}" y2="${n(cy)}" stroke="${it.color}" stroke-width="2.5"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`;
    s += `<text x="${n(x + 32)}" y="${n(cy)}" dy="0.35em">${escapeXml(it.label)}</text>`;
  });
  return { svg: `${s}</g>`, height: items.length * row };
}

/** A polyline path through points, skipping non-finite values. */
export function path(xs: readonly number[], ys: readonly number[], sx: (v: number) => number, sy: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${n(sx(x))} ${n(sy(y))}`;
    pen = true;
  }
  return d;
}

/** A title line centred over the figure. */
export function titleText(text: string, x: number, y: number): string {
  return `<text x="${n(x)}" y="${n(y)}" text-anchor="middle" font-size="16" font-weight="bold" fill="#111">${escapeXml(text)}</text>`;
}
