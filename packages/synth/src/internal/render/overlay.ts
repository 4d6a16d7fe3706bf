import type { Rng } from '@fpdb/schema';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, glyph } from './font.js';

/** A float image being drawn on: values 0–255, row-major. */
export interface Canvas {
  data: Float32Array;
  width: number;
  height: number;
}

/** Paints an axis-aligned rectangle with fractional coverage at its edges, so small sizes stay faithful. */
export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, value: number, alpha = 1): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(c.width, Math.ceil(x + w));
  const y1 = Math.min(c.height, Math.ceil(y + h));
  for (let py = y0; py < y1; py++) {
    const cy = Math.min(py + 1, y + h) - Math.max(py, y);
    if (cy <= 0) continue;
    for (let px = x0; px < x1; px++) {
      const cx = Math.min(px + 1, x + w) - Math.max(px, x);
      if (cx <= 0) continue;
      const a = cx * cy * alpha;
      const i = py * c.width + px;
      c.data[i] = c.data[i]! + (value - c.data[i]!) * a;
    }
  }
}

/** Width in pixels of `text` at `scale` pixels per font pixel. */
export function textWidth(text: string, scale: number): number {
  return text.length * GLYPH_ADVANCE * scale - scale;
}

/** Draws `text` with its top-left (or top-right with `align: 'right'`) at (x, y). */
export function drawText(c: Canvas, text: string, x: number, y: number, scale: number, value: number, align: 'left' | 'right' = 'left'): void {
  let left = align === 'right' ? x - textWidth(text, scale) : x;
  for (const ch of text) {
    const rows = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r]!;
      if (!bits) continue;
      for (let col = 0; col < 5; col++) {
        if (bits & (0x10 >> col)) fillRect(c, left + col * scale, y + r * scale, scale, scale, value);
      }
    }
    left += GLYPH_ADVANCE * scale;
  }
}

/** A vertical grey-scale bar, white at the top. */
function greyBar(c: Canvas, x: number, y: number, w: number, h: number): void {
  const steps = Math.max(4, Math.round(h));
  for (let k = 0; k < steps; k++) fillRect(c, x, y + (k * h) / steps, w, h / steps, 255 * (1 - k / steps) ** 1.3);
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** Which scanner's screen layout to draw. */
export type UiKind = 'voluson-e6' | 'voluson-s10' | 'aloka' | 'other';

/**
 * Draws the scanner's on-screen furniture: grey-scale bar, depth marks, machine name and the
 * acquisition parameters as text, as each machine lays them out. `deviceRng` fixes the layout for a
 * patient's device; `frameRng` varies a few numbers per frame.
 */
export function drawOverlay(c: Canvas, kind: UiKind, deviceRng: Rng, frameRng: Rng, options: { linear: boolean }): void {
  const { width: W, height: H } = c;
  const unit = H / 661;
  const textScale = Math.max(0.25, 1.6 * unit);
  const lineH = GLYPH_HEIGHT * textScale * 1.45;
  const r = deviceRng.fork('ui');
  if (kind === 'voluson-e6' || kind === 'voluson-s10') {
    greyBar(c, 0, 0.045 * H, 0.012 * W, 0.29 * H);
    drawText(c, 'Voluson', 0.035 * W, 0.048 * H, textScale * 0.6, 235);
    drawText(c, kind === 'voluson-e6' ? 'E6' : 'S10', 0.045 * W, 0.068 * H, textScale * 0.8, 235);
    const tick = 0.086 * H;
    for (let y = 0.03 * H; y < H - 4 * unit; y += tick) {
      fillRect(c, 0.03 * W, y, 3 * unit, 2 * unit, 215);
      fillRect(c, 0.03 * W, y + tick / 2, 2 * unit, 1.5 * unit, 170);
    }
    const marker = (0.25 + 0.4 * r.next()) * H;
    for (let k = 0; k < 4; k++) fillRect(c, 0.045 * W + k * unit, marker - (4 - k) * unit, unit, 2 * (4 - k) * unit, 240);
    fillRect(c, 0.03 * W, 0.36 * H, 9 * unit, 3 * unit, 240);
    const trim = pick(r, ['2. Trim.', '2+3.Trim.', '3. Trim.', '1. Trim.']);
    const lines =
      kind === 'voluson-e6'
        ? [
            trim,
            pick(r, ['Har-mid', 'Har-intermedia', 'Har-high', 'Norm']),
            String(90 + r.int(10)),
            `Gn ${-frameRng.int(16)}`,
            `C${5 + r.int(3)} / M${6 + r.int(3)}`,
            `FF${2 + r.int(2)} / E${2 + r.int(2)}`,
            `SRI II ${2 + r.int(3)} / CRI ${2 + r.int(3)}`,
          ]
        : [
            `${28 + r.int(12)}Hz/${(9 + r.next() * 4).toFixed(1)}cm`,
            `${50 + r.int(20)}/${(1.5 + r.next()).toFixed(1)}`,
            '2/3 Trim. Cardiac/OB',
            `HI L ${(5 + r.next()).toFixed(2)} - 4.30`,
            `AO ${90 + r.int(10)}%`,
            `Gn ${frameRng.int(4)}`,
            `C${6 + r.int(3)}/M${14 + r.int(4)}`,
            'FF2/E3',
            `SRI II ${r.int(4)}/CRI ${2 + r.int(3)}`,
          ];
    lines.forEach((line, k) => drawText(c, line, W - 3 * unit, 0.006 * H + k * lineH, textScale * (k === 0 && kind === 'voluson-s10' ? 1.2 : 0.95), k > 4 ? 200 : 235, 'right'));
  } else if (kind === 'aloka') {
    greyBar(c, 0, 0.03 * H, 0.05 * W, 0.1 * H);
    const lines = [
      `${(2 + r.next() * 4).toFixed(2)}MH`,
      `${400 + r.int(90)}/${470 + frameRng.int(30)}`,
      `${20 + r.int(15)}Hz`,
      `R${(3 + r.next() * 3).toFixed(1)}`,
      (3 + r.next() * 3).toFixed(1),
      `G${60 + r.int(25)}`,
      `C${10 + r.int(10)}`,
      `A${1 + r.int(3)}`,
    ];
    lines.forEach((line, k) => {
      const y = 0.025 * H + k * lineH;
      if (k === 0 || k === 5) {
        fillRect(c, W - textWidth(line, textScale) - 5 * unit, y - unit, textWidth(line, textScale) + 3 * unit, GLYPH_HEIGHT * textScale + 2 * unit, 220);
        drawText(c, line, W - 3.5 * unit, y, textScale, 10, 'right');
      } else {
        drawText(c, line, W - 3.5 * unit, y, textScale, 235, 'right');
      }
    });
    for (let x = 0.08 * W; x < W * 0.9; x += 0.1 * W) fillRect(c, x, H - 3 * unit, 2 * unit, 2 * unit, 180);
    if (options.linear) {
      // Vascular presets: an ECG trace along the bottom and the depth readout in a box.
      let prev = 0.93 * H;
      const beat = (0.07 + 0.02 * r.next()) * W;
      for (let x = 0.05 * W; x < 0.76 * W; x += Math.max(0.5, unit)) {
        const phase = ((x + frameRng.next() * 0.2) % beat) / beat;
        const y = 0.93 * H - (phase > 0.4 && phase < 0.45 ? 0.05 * H : phase > 0.45 && phase < 0.5 ? -0.02 * H : 0.004 * H * Math.sin(phase * 20));
        fillRect(c, x, Math.min(prev, y), Math.max(1, unit), Math.abs(y - prev) + Math.max(1, unit), 190);
        prev = y;
      }
      const prof = `Prof = ${(2 + r.next() * 2).toFixed(3)}cm`;
      fillRect(c, W - textWidth(prof, textScale) - 14 * unit, H - lineH - 12 * unit, textWidth(prof, textScale) + 10 * unit, lineH + 6 * unit, 60);
      drawText(c, prof, W - 9 * unit, H - lineH - 8 * unit, textScale, 235, 'right');
      drawText(c, `${10 + r.int(8)}:${10 + r.int(49)}:${10 + frameRng.int(49)}`, W - 3 * unit, 0.006 * H, textScale, 235, 'right');
    }
  } else {
    drawText(c, `IM: 0,${4 + r.int(5)}`, 4 * unit, 4 * unit, textScale * 1.1, 230);
    fillRect(c, 0.75 * W, 4 * unit, 8 * unit, 6 * unit, 220);
    fillRect(c, 0.75 * W + 2 * unit, 6 * unit, 4 * unit, 2 * unit, 0);
    fillRect(c, 0.03 * W, 0.13 * H, 8 * unit, 1.5 * unit, 200);
    for (let y = 0.2 * H; y < H * 0.95; y += 0.07 * H) fillRect(c, W - 4 * unit, y, 3 * unit, 1.5 * unit, 190);
  }
}
