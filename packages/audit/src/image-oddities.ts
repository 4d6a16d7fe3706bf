import type { UsMachine } from '@fpdb/schema';

/** Kinds of per-image oddity the audit reports. */
export const ODDITY_KINDS = ['blank', 'saturated', 'low-information', 'small', 'large', 'aspect', 'mode'] as const;
/** One of {@link ODDITY_KINDS}. */
export type OddityKind = (typeof ODDITY_KINDS)[number];

/** What the oddity checks need of one image: its header and statistics of its cached pixels. */
export interface ImageProfile {
  imageName: string;
  usMachine: UsMachine;
  width: number;
  height: number;
  /** PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA) and bit depth. */
  colourType: number;
  bitDepth: number;
  /** Share of cached pixels ≤ 8 and ≥ 247, and their standard deviation (0–255). */
  darkShare: number;
  brightShare: number;
  std: number;
}

/** One finding about one image. */
export interface ImageOddity {
  imageName: string;
  kind: OddityKind;
  /** What was measured against what is usual, in words. */
  detail: string;
}

/** Thresholds of {@link findOddities}; the defaults are below. */
export interface OddityOptions {
  /** `blank`: at least this share of pixels is black (≤ 8). Default 0.97: an ultrasound frame is mostly black around its fan, but its fan is never empty. */
  blankShare?: number;
  /** `saturated`: at least this share of pixels is white (≥ 247). Default 0.25. */
  saturatedShare?: number;
  /** `low-information`: pixel standard deviation below this. Default 4. */
  minStd?: number;
  /** `small`/`large`: pixel count below 1/k or above k times the median of the image's machine. Default 2. */
  sizeFactor?: number;
  /** `aspect`: long side over short side above this. Default 2.5 (the release's widest is 961×443, 2.17). */
  maxAspect?: number;
  /** `mode`: a colour type + bit depth held by at most this share of the images. Default 0.05. */
  rareModeShare?: number;
}

const COLOUR_TYPES: Record<number, string> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' };
const modeName = (p: Pick<ImageProfile, 'colourType' | 'bitDepth'>): string => `${COLOUR_TYPES[p.colourType] ?? `colour type ${p.colourType}`} ${p.bitDepth}-bit`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Per-image oddities: nearly blank, saturated or flat frames (from the cached pixels), images far smaller
 * or larger than their machine's median, extreme aspect ratios, and PNG modes rare in the release.
 * Size and mode checks are skipped for images without a header (width 0).
 * @example findOddities(profiles).filter((o) => o.kind === 'mode')
 */
export function findOddities(profiles: readonly ImageProfile[], options: OddityOptions = {}): ImageOddity[] {
  const { blankShare = 0.97, saturatedShare = 0.25, minStd = 4, sizeFactor = 2, maxAspect = 2.5, rareModeShare = 0.05 } = options;
  const withHeader = profiles.filter((p) => p.width > 0 && p.height > 0);
  const areas = new Map<UsMachine, number[]>();
  for (const p of withHeader) {
    let list = areas.get(p.usMachine);
    if (!list) areas.set(p.usMachine, (list = []));
    list.push(p.width * p.height);
  }
  const medians = new Map([...areas].map(([m, list]) => [m, median(list)]));
  const modes = new Map<string, number>();
  for (const p of withHeader) modes.set(modeName(p), (modes.get(modeName(p)) ?? 0) + 1);
  const usual = [...modes].sort((a, b) => b[1] - a[1])[0]?.[0];
  const out: ImageOddity[] = [];
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  for (const p of profiles) {
    const add = (kind: OddityKind, detail: string): void => void out.push({ imageName: p.imageName, kind, detail });
    if (p.darkShare >= blankShare) add('blank', `${pct(p.darkShare)} of pixels are black (≤ 8); threshold ${pct(blankShare)}`);
    if (p.brightShare >= saturatedShare) add('saturated', `${pct(p.brightShare)} of pixels are white (≥ 247); threshold ${pct(saturatedShare)}`);
    if (p.std < minStd) add('low-information', `pixel standard deviation ${p.std.toFixed(1)} < ${minStd}`);
    if (p.width === 0 || p.height === 0) continue;
    const area = p.width * p.height;
    const usualArea = medians.get(p.usMachine)!;
    const usualText = `${p.usMachine}'s median is ${Math.round(usualArea).toLocaleString('en-US')} pixels`;
    if (area * sizeFactor < usualArea) add('small', `${p.width}×${p.height} (${area.toLocaleString('en-US')} pixels); ${usualText}`);
    if (area > usualArea * sizeFactor) add('large', `${p.width}×${p.height} (${area.toLocaleString('en-US')} pixels); ${usualText}`);
    const aspect = Math.max(p.width, p.height) / Math.min(p.width, p.height);
    if (aspect > maxAspect) add('aspect', `${p.width}×${p.height}: aspect ${aspect.toFixed(2)} > ${maxAspect}`);
    const mode = modeName(p);
    if (mode !== usual && modes.get(mode)! <= rareModeShare * withHeader.length) add('mode', `${mode} PNG; ${modes.get(mode)} of ${withHeader.length} images are, the release is ${usual}`);
  }
  return out;
}
