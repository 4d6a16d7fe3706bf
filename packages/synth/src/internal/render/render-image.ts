import { FastRandom, createRng, type BrainPlane, type Operator, type Plane, type Rng, type UsMachine } from '@fpdb/schema';
import { OTHER_VIEWS, anatomyShapes, type OtherView, type Pose } from './anatomy.js';
import { createValueNoise, tableNormal } from './random-fields.js';
import { drawOverlay, type Canvas, type UiKind } from './overlay.js';
import { rasterize, type BeamGrid } from './scene.js';

/** What one image shows and at which size: the fields of its CSV row that matter for the pixels. */
export interface RenderRequest {
  /** The dataset seed. */
  seed: number;
  patientId: number;
  plane: Plane;
  planeNumber: number;
  brainPlane: BrainPlane;
  operator: Operator;
  usMachine: UsMachine;
  /** 1-based frame index within the patient-plane. */
  frame: number;
  width: number;
  height: number;
}

/** The imaging field: a sector from an apex (radii r0–r1, ± half-angle) or a linear rectangle. */
interface Field {
  linear: boolean;
  ax: number;
  ay: number;
  r0: number;
  r1: number;
  half: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** A transvaginal probe: its face is drawn as an arc at r0. */
  probeArc: boolean;
}

/** How a machine renders: dynamic range and reference level (dB), speckle correlation and smoothing. */
interface Style {
  ui: UiKind;
  dynamicRange: number;
  refDb: number;
  lateralPasses: number;
  smoothPasses: number;
  gamma: number;
}

function styleOf(machine: UsMachine, device: Rng): Style {
  const g = device.fork('gain');
  switch (machine) {
    case 'Voluson E6':
      return { ui: 'voluson-e6', dynamicRange: 52, refDb: 2 + 3 * (g.next() - 0.5), lateralPasses: 2, smoothPasses: 2, gamma: 1 };
    case 'Voluson S10':
      return { ui: 'voluson-s10', dynamicRange: 56, refDb: -1 + 2 * (g.next() - 0.5), lateralPasses: 2, smoothPasses: 2, gamma: 0.95 };
    case 'Aloka':
      return { ui: 'aloka', dynamicRange: 48, refDb: 4 + 4 * (g.next() - 0.5), lateralPasses: 1, smoothPasses: 1, gamma: 1.15 };
    default:
      return { ui: 'other', dynamicRange: 46, refDb: 1 + 3 * (g.next() - 0.5), lateralPasses: 1, smoothPasses: 1, gamma: 1.05 };
  }
}

function fieldOf(W: number, H: number, machine: UsMachine, plane: Plane, view: OtherView | undefined, r: Rng): Field {
  const base = { linear: false, x0: 0, x1: 0, y0: 0, y1: 0, probeArc: false };
  if (plane === 'Maternal cervix') {
    const rp = (0.17 + 0.05 * r.next()) * H;
    const ay = -0.55 * rp;
    return { ...base, ax: W * (0.5 + 0.04 * (r.next() - 0.5)), ay, r0: rp, r1: 1.12 * H - ay, half: (68 + 10 * r.next()) * (Math.PI / 180), probeArc: true };
  }
  if (view === 'vessel' && machine === 'Aloka') {
    return { ...base, linear: true, ax: 0, ay: 0, r0: 0, r1: 0, half: 0, x0: 0.13 * W, x1: 0.76 * W, y0: 0.04 * H, y1: 0.9 * H };
  }
  const voluson = machine === 'Voluson E6' || machine === 'Voluson S10';
  const zoomed = voluson ? r.next() < 0.9 : r.next() < 0.7;
  const ax = W * (0.5 + 0.08 * (r.next() - 0.5));
  const half = (32 + 8 * r.next()) * (Math.PI / 180);
  if (zoomed) {
    const ay = -(0.25 + 0.75 * r.next()) * H;
    const r0 = Math.max(2, -ay - 0.02 * H);
    const r1 = Math.hypot(W / 2 + Math.abs(ax - W / 2), H - ay) * 1.01;
    return { ...base, ax, ay, r0, r1, half };
  }
  const ay = (0.01 + 0.04 * r.next()) * H;
  return { ...base, ax, ay, r0: 0.02 * H, r1: (0.9 + 0.08 * r.next()) * H - ay, half };
}

function otherViewOf(machine: UsMachine, r: Rng): OtherView {
  // Vascular presets with a linear probe are an Aloka thing in the release's `Other` images.
  if (machine === 'Aloka' && r.next() < 0.3) return 'vessel';
  return OTHER_VIEWS[1 + r.int(OTHER_VIEWS.length - 1)]!;
}

/** The float buffers of one render, reused from image to image: rendering is synchronous, one image at a time per thread. */
const Slot = { Xs: 0, Ys: 1, Refl: 2, Att: 3, Re: 4, Im: 5, Scratch: 6, Canvas: 7 } as const;
type Slot = (typeof Slot)[keyof typeof Slot];
const pool: Float32Array[] = [];

/** A float buffer of `length` for `slot`; its contents are whatever the last image left (callers overwrite or fill). */
function floats(slot: Slot, length: number): Float32Array {
  let b = pool[slot];
  if (!b || b.length < length) {
    b = new Float32Array(Math.ceil(length * 1.25));
    pool[slot] = b;
  }
  return b.subarray(0, length);
}

/** Beam-grid cell size in output pixels at real sizes: speckle grains span a few cells, wider across beams than along them. */
const CELL_LATERAL = 3.6;
const CELL_AXIAL = 2.2;
/**
 * Below this span (max(width, 1.45 × height), px) an image is a downscaled screen: the grain shrinks with
 * the image, down to cells of about a pixel, and each cell then averages several grains (lower speckle
 * contrast), as resizing a real image would. Every real size but 384×259 is at or above it.
 */
const REFERENCE_SPAN = 640;
const MIN_CELL_LATERAL = 1;
const MIN_CELL_AXIAL = 0.8;

/** Cell size (px) and how many speckle grains each cell averages (1 at real sizes). */
interface Cells {
  lateral: number;
  axial: number;
  grains: number;
}

function cellsOf(W: number, H: number): Cells {
  const k = Math.min(1, Math.max(W, 1.45 * H) / REFERENCE_SPAN);
  const lateral = Math.max(MIN_CELL_LATERAL, CELL_LATERAL * k);
  const axial = Math.max(MIN_CELL_AXIAL, CELL_AXIAL * k);
  return { lateral, axial, grains: (lateral / (CELL_LATERAL * k)) * (axial / (CELL_AXIAL * k)) };
}

function buildGrid(f: Field, W: number, H: number, cells: Cells): BeamGrid {
  let nb: number;
  let ns: number;
  if (f.linear) {
    nb = Math.round((f.x1 - f.x0) / cells.lateral);
    ns = Math.round((f.y1 - f.y0) / cells.axial);
  } else {
    nb = Math.round((2 * f.half * (f.r0 + f.r1)) / 2 / cells.lateral);
    ns = Math.round((f.r1 - f.r0) / cells.axial);
  }
  const cap = (v: number, hi: number): number => Math.max(16, Math.min(hi, v));
  nb = cap(nb, Math.max(16, Math.round(W * 1.5)));
  ns = cap(ns, Math.max(16, Math.round(H * 1.5)));
  const xs = floats(Slot.Xs, nb * ns);
  const ys = floats(Slot.Ys, nb * ns);
  const dx = new Float32Array(nb);
  const dy = new Float32Array(nb);
  for (let b = 0; b < nb; b++) {
    const t = (b + 0.5) / nb;
    if (f.linear) {
      dx[b] = 0;
      dy[b] = 1;
      const x = f.x0 + t * (f.x1 - f.x0);
      for (let s = 0; s < ns; s++) {
        xs[b * ns + s] = x;
        ys[b * ns + s] = f.y0 + ((s + 0.5) / ns) * (f.y1 - f.y0);
      }
    } else {
      const th = -f.half + t * 2 * f.half;
      const sn = Math.sin(th);
      const cs = Math.cos(th);
      dx[b] = sn;
      dy[b] = cs;
      for (let s = 0; s < ns; s++) {
        const rr = f.r0 + ((s + 0.5) / ns) * (f.r1 - f.r0);
        xs[b * ns + s] = f.ax + rr * sn;
        ys[b * ns + s] = f.ay + rr * cs;
      }
    }
  }
  const clamp = (v: number, hi: number): number => Math.max(0, Math.min(hi, v));
  const cover = (minX: number, minY: number, maxX: number, maxY: number): [number, number, number, number] => {
    if (f.linear) {
      const bs = nb / (f.x1 - f.x0);
      const ss = ns / (f.y1 - f.y0);
      return [clamp(Math.floor((minX - f.x0) * bs) - 1, nb), clamp(Math.ceil((maxX - f.x0) * bs) + 1, nb), clamp(Math.floor((minY - f.y0) * ss) - 1, ns), clamp(Math.ceil((maxY - f.y0) * ss) + 1, ns)];
    }
    if (f.ax >= minX && f.ax <= maxX && f.ay >= minY && f.ay <= maxY) return [0, nb, 0, ns];
    let tMin = Infinity;
    let tMax = -Infinity;
    let rMax = 0;
    for (const [x, y] of [
      [minX, minY],
      [maxX, minY],
      [minX, maxY],
      [maxX, maxY],
    ] as const) {
      const t = Math.atan2(x - f.ax, y - f.ay);
      tMin = Math.min(tMin, t);
      tMax = Math.max(tMax, t);
      rMax = Math.max(rMax, Math.hypot(x - f.ax, y - f.ay));
    }
    // A box straddling the line straight up from the apex wraps around ±π: take every beam.
    if (f.ay > maxY && f.ax >= minX && f.ax <= maxX) [tMin, tMax] = [-Math.PI, Math.PI];
    const rMin = Math.hypot(Math.max(minX - f.ax, 0, f.ax - maxX), Math.max(minY - f.ay, 0, f.ay - maxY));
    const bs = nb / (2 * f.half);
    const ss = ns / (f.r1 - f.r0);
    return [
      clamp(Math.floor((tMin + f.half) * bs) - 1, nb),
      clamp(Math.ceil((tMax + f.half) * bs) + 1, nb),
      clamp(Math.floor((rMin - f.r0) * ss) - 1, ns),
      clamp(Math.ceil((rMax - f.r0) * ss) + 1, ns),
    ];
  };
  return { nb, ns, xs, ys, dx, dy, cover };
}

/** Pose of the anatomy for a plane, per patient-plane, then jittered per frame. */
function poseOf(plane: Plane, f: Field, W: number, H: number, r: Rng, jitter: Rng): Pose {
  const span = Math.min(W, 1.45 * H);
  let s: number;
  let rot: number;
  switch (plane) {
    case 'Fetal brain':
      s = (0.27 + 0.09 * r.next()) * span;
      rot = (r.next() - 0.5) * 0.7;
      break;
    case 'Fetal abdomen':
    case 'Fetal thorax':
      s = (0.24 + 0.09 * r.next()) * span;
      rot = (r.next() - 0.5) * 2 * Math.PI;
      break;
    case 'Fetal femur':
      s = (0.38 + 0.1 * r.next()) * span;
      rot = (r.next() - 0.5) * 0.6;
      break;
    case 'Maternal cervix':
      s = (0.33 + 0.08 * r.next()) * span;
      rot = (r.next() - 0.5) * 1.0;
      break;
    default:
      s = (0.25 + 0.12 * r.next()) * span;
      rot = (r.next() - 0.5) * 1.2;
  }
  // Framed small when the whole fan is visible, as on an unzoomed Aloka screen.
  if (!f.linear && f.ay > 0 && plane !== 'Maternal cervix') s *= 0.8;
  const top = f.linear ? f.y0 : Math.max(0, f.ay + f.r0);
  const bottom = f.linear ? f.y1 : Math.min(H, f.ay + f.r1);
  let cx = W * (0.5 + 0.16 * (r.next() - 0.5));
  let cy = top + (bottom - top) * (0.5 + 0.12 * (r.next() - 0.5));
  if (plane === 'Maternal cervix') cy = top + (bottom - top) * (0.4 + 0.1 * r.next());
  cx += (jitter.next() - 0.5) * 0.04 * W;
  cy += (jitter.next() - 0.5) * 0.04 * H;
  s *= 1 + (jitter.next() - 0.5) * 0.08;
  rot += (jitter.next() - 0.5) * 0.1;
  return { cx, cy, s, rot, flip: r.next() < 0.5 ? 1 : -1 };
}

/** Display gamma 255·(x/255)^γ by table (linear between 1,025 knots; within 0.01 grey of the power). */
const GAMMA_STEPS = 1024;
const GAMMA_PER_LEVEL = GAMMA_STEPS / 255;
const gammaTables = new Map<number, Float32Array>();
function gammaTable(g: number): Float32Array {
  let t = gammaTables.get(g);
  if (!t) {
    t = new Float32Array(GAMMA_STEPS + 1);
    for (let j = 0; j <= GAMMA_STEPS; j++) t[j] = 255 * (j / GAMMA_STEPS) ** g;
    gammaTables.set(g, t);
  }
  return t;
}

/** Separable [1 2 1]/4 smoothing along beams (lateral) or samples (axial), in place; `tmp` is scratch of the same length. */
function smooth(a: Float32Array, nb: number, ns: number, lateral: boolean, tmp: Float32Array): void {
  if (lateral) {
    for (let b = 0; b < nb; b++) {
      const p = Math.max(0, b - 1) * ns;
      const c = b * ns;
      const n = Math.min(nb - 1, b + 1) * ns;
      for (let s = 0; s < ns; s++) tmp[c + s] = 0.25 * a[p + s]! + 0.5 * a[c + s]! + 0.25 * a[n + s]!;
    }
  } else {
    for (let b = 0; b < nb; b++) {
      const c = b * ns;
      const last = c + ns - 1;
      tmp[c] = 0.75 * a[c]! + 0.25 * a[c + 1]!;
      for (let i = c + 1; i < last; i++) tmp[i] = 0.25 * a[i - 1]! + 0.5 * a[i]! + 0.25 * a[i + 1]!;
      tmp[last] = 0.25 * a[last - 1]! + 0.75 * a[last]!;
    }
  }
  a.set(tmp);
}

/**
 * atan(t) to about 1e-7 rad (Cephes' single-precision range reduction and polynomial): only + − × ÷, so
 * the same bits on every machine, and several times faster than Math.atan2 in the per-pixel loop.
 */
function fastAtan(t: number): number {
  const neg = t < 0;
  let x = neg ? -t : t;
  let base = 0;
  if (x > 2.414213562373095) {
    base = Math.PI / 2;
    x = -1 / x;
  } else if (x > 0.4142135623730951) {
    base = Math.PI / 4;
    x = (x - 1) / (x + 1);
  }
  const z = x * x;
  const r = base + ((((0.0805374449538 * z - 0.138776856032) * z + 0.199777106478) * z - 0.333329491539) * z * x + x);
  return neg ? -r : r;
}

/** Bilinear lookup of the beam grid at fractional (beam, sample), fading over the last cell at the field's edge. */
function sampleGrid(display: Float32Array, nb: number, ns: number, fb: number, fs: number): number {
  let edge = 1;
  if (fb < 0) edge *= fb + 1;
  else if (fb > nb - 1) edge *= nb - fb;
  if (fs < 0) edge *= fs + 1;
  else if (fs > ns - 1) edge *= ns - fs;
  // fb, fs ≥ −1: truncation differs from floor only on [−1, 0), which the clamp maps to 0 either way.
  let b0 = fb | 0;
  let s0 = fs | 0;
  if (b0 < 0) b0 = 0;
  else if (b0 > nb - 2) b0 = nb - 2;
  if (s0 < 0) s0 = 0;
  else if (s0 > ns - 2) s0 = ns - 2;
  let tb = fb - b0;
  let ts = fs - s0;
  tb = tb < 0 ? 0 : tb > 1 ? 1 : tb;
  ts = ts < 0 ? 0 : ts > 1 ? 1 : ts;
  const i = b0 * ns + s0;
  const a0 = display[i]!;
  const a1 = display[i + ns]!;
  const v0 = a0 + (display[i + 1]! - a0) * ts;
  const v1 = a1 + (display[i + ns + 1]! - a1) * ts;
  return (v0 + (v1 - v0) * tb) * edge;
}

/**
 * Scan conversion: every output pixel looks up its beam and depth in the grid, bilinearly. Pixels outside
 * the field stay 0; in a sector, each row only visits the span the fan can reach.
 */
function scanConvert(field: Field, display: Float32Array, nb: number, ns: number, out: Float32Array, W: number, H: number): void {
  const { linear, ax, ay, r0, r1, half, x0, x1, y0, y1 } = field;
  if (linear) {
    const xScale = nb / (x1 - x0);
    const yScale = ns / (y1 - y0);
    for (let y = 0; y < H; y++) {
      const fs = (y + 0.5 - y0) * yScale - 0.5;
      if (fs < -1 || fs > ns) continue;
      for (let x = 0; x < W; x++) {
        const fb = (x + 0.5 - x0) * xScale - 0.5;
        if (fb < -1 || fb > nb) continue;
        out[y * W + x] = sampleGrid(display, nb, ns, fb, fs);
      }
    }
    return;
  }
  const thetaScale = nb / (2 * half);
  const rScale = ns / (r1 - r0);
  const rMin2 = Math.max(0, r0 - 2 / rScale) ** 2;
  const rMax2 = (r1 + 2 / rScale) ** 2;
  // The fan (with its one-beam fade) never reaches 90° from the axis: rows above the apex are empty.
  const reach = Math.tan(Math.min(half + 2 / thetaScale, 1.5));
  for (let y = 0; y < H; y++) {
    const ddy = y + 0.5 - ay;
    if (ddy <= 0) continue;
    const room = rMax2 - ddy * ddy;
    if (room <= 0) continue;
    const span = Math.min(ddy * reach, Math.sqrt(room));
    const xs = Math.max(0, Math.floor(ax - span - 0.5));
    const xe = Math.min(W - 1, Math.ceil(ax + span - 0.5));
    const inv = 1 / ddy;
    const row = y * W;
    for (let x = xs; x <= xe; x++) {
      const ddx = x + 0.5 - ax;
      const rr2 = ddx * ddx + ddy * ddy;
      if (rr2 < rMin2 || rr2 > rMax2) continue;
      const fs = (Math.sqrt(rr2) - r0) * rScale - 0.5;
      const fb = (fastAtan(ddx * inv) + half) * thetaScale - 0.5;
      if (fb < -1 || fs < -1 || fb > nb || fs > ns) continue;
      out[row + x] = sampleGrid(display, nb, ns, fb, fs);
    }
  }
}

/** The transvaginal probe's face: two thin bright arcs around a black disc. */
function drawProbeArc(field: Field, out: Float32Array, W: number, H: number): void {
  const { ax, ay, r0, half } = field;
  const yMax = Math.min(H, Math.ceil(ay + r0 + 2));
  const w1 = Math.max(0.6, 0.003 * H);
  const w2 = Math.max(0.5, 0.002 * H);
  for (let y = 0; y < yMax; y++) {
    for (let x = 0; x < W; x++) {
      const ddx = x + 0.5 - ax;
      const ddy = y + 0.5 - ay;
      const dr = Math.sqrt(ddx * ddx + ddy * ddy) - r0;
      if (dr > 1 || dr < -0.03 * H || Math.abs(Math.atan2(ddx, ddy)) > half + 0.3) continue;
      const ring = Math.max(0, 1 - Math.abs(dr + 0.004 * H) / w1) + 0.6 * Math.max(0, 1 - Math.abs(dr + 0.016 * H) / w2);
      const i = y * W + x;
      out[i] = Math.min(255, out[i]! * 0.2 + 220 * ring);
    }
  }
}

/**
 * Version of the pixels {@link renderImage} draws for a given record and seed. Bumped with every
 * intended change of the renderer (a golden hash test fails on any other), and written into each
 * generated folder's marker, so a cached synthetic release from an older renderer is not reused.
 */
export const RENDERER_VERSION = 2;

/**
 * Renders one synthetic ultrasound image as 8-bit grey pixels (row-major, width × height bytes).
 * Deterministic in the request. Frames of one patient-plane share anatomy, field and look; each frame
 * gets its own speckle and a small shift, turn and gain change.
 * @example const pixels = renderImage({ seed: 0, patientId: 1, plane: 'Fetal brain', planeNumber: 3, brainPlane: 'Trans-thalamic', operator: 'Op. 1', usMachine: 'Voluson E6', frame: 1, width: 128, height: 128 });
 */
export function renderImage(req: RenderRequest): Uint8Array {
  const { width: W, height: H } = req;
  const root = createRng(req.seed).fork('pixels');
  const patient = root.fork(req.patientId);
  const device = patient.fork(`${req.operator}|${req.usMachine}`);
  const planeRng = patient.fork(`plane${req.planeNumber}`);
  const frameRng = planeRng.fork(`frame${req.frame}`);
  const style = styleOf(req.usMachine, device);
  const view = req.plane === 'Other' ? otherViewOf(req.usMachine, planeRng.fork('view')) : 'limb';
  const field = fieldOf(W, H, req.usMachine, req.plane, req.plane === 'Other' ? view : undefined, planeRng.fork('field'));
  const cells = cellsOf(W, H);
  const grid = buildGrid(field, W, H, cells);
  const { nb, ns } = grid;
  const n = nb * ns;

  // Background tissue: smooth heterogeneity, a few bright layers of the maternal wall near the probe.
  const refl = floats(Slot.Refl, n);
  const att = floats(Slot.Att, n).fill(1.5);
  const bgRng = planeRng.fork('background');
  const hetero = createValueNoise(bgRng, 7, 6, 0.3, 1.8);
  const fine = createValueNoise(frameRng.fork('fine'), 16, 14, 0.7, 1.35);
  const bandDepth = new Float32Array(ns);
  const nBands = 2 + bgRng.int(3);
  for (let k = 0; k < nBands; k++) {
    const depth = 0.02 + 0.2 * bgRng.next();
    const w = 0.006 + 0.02 * bgRng.next();
    const amp = 0.08 + 0.25 * bgRng.next();
    for (let s = 0; s < ns; s++) {
      const z = (s / ns - depth) / w;
      if (z > -3 && z < 3) bandDepth[s] = bandDepth[s]! + amp * Math.exp(-z * z);
    }
  }
  const bandAcross = createValueNoise(bgRng, 5, 1, 0.2, 1.4);
  const level = 0.04 + 0.035 * bgRng.next();
  for (let b = 0; b < nb; b++) {
    const u = b / nb;
    const across = bandAcross(u, 0);
    for (let s = 0; s < ns; s++) {
      const d = s / ns;
      refl[b * ns + s] = level * hetero(u, d) * fine(u, d) + bandDepth[s]! * across;
    }
  }
  const pose = poseOf(req.plane, field, W, H, planeRng.fork('pose'), frameRng.fork('jitter'));
  rasterize(grid, anatomyShapes(req.plane, req.brainPlane, pose, planeRng.fork('shape'), frameRng.fork('anatomy'), view), refl, att);

  // Speckle: a complex Gaussian field, correlated over a few cells (wider across beams), whose
  // magnitude is Rayleigh distributed and multiplies the echo.
  const fr = FastRandom.from(frameRng.fork('speckle'));
  const re = floats(Slot.Re, n);
  const im = floats(Slot.Im, n);
  for (let i = 0; i < n; i++) {
    re[i] = tableNormal(fr);
    im[i] = tableNormal(fr);
  }
  const scratch = floats(Slot.Scratch, n);
  for (let p = 0; p < style.lateralPasses; p++) {
    smooth(re, nb, ns, true, scratch);
    smooth(im, nb, ns, true, scratch);
  }
  smooth(re, nb, ns, false, scratch);
  smooth(im, nb, ns, false, scratch);
  const speckle = re;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const m = Math.sqrt(re[i]! * re[i]! + im[i]! * im[i]!);
    speckle[i] = m;
    sum += m;
  }
  const norm = n / Math.max(sum, 1e-9);
  if (cells.grains > 1) {
    // A cell averaging several grains: same mean, contrast down by √grains.
    const k = 1 / Math.sqrt(cells.grains);
    const offset = (1 - k) / norm;
    for (let i = 0; i < n; i++) speckle[i] = speckle[i]! * k + offset;
  }

  // Attenuation along each beam with partial time-gain compensation, then log compression (in dB).
  const ds = 1 / ns;
  const tgc = 1.2;
  const refDb = style.refDb + (frameRng.next() - 0.5) * 1.5;
  const floorDb = refDb - style.dynamicRange;
  const scale = 255 / style.dynamicRange;
  const display = im;
  const gamma = style.gamma === 1 ? null : gammaTable(style.gamma);
  for (let b = 0; b < nb; b++) {
    let cum = 0;
    const base = b * ns;
    for (let s = 0; s < ns; s++) {
      const i = base + s;
      const db = 8.685889638 * (Math.log(refl[i]! * speckle[i]! * norm + 1e-6) + tgc * s * ds - cum);
      cum += att[i]! * ds;
      const x = db <= floorDb ? 0 : db >= refDb ? 255 : (db - floorDb) * scale;
      if (gamma) {
        const t = x * GAMMA_PER_LEVEL;
        const j = t | 0;
        display[i] = j >= GAMMA_STEPS ? 255 : gamma[j]! + (gamma[j + 1]! - gamma[j]!) * (t - j);
      } else display[i] = x;
    }
  }
  for (let p = 0; p < style.smoothPasses; p++) {
    smooth(display, nb, ns, true, scratch);
    smooth(display, nb, ns, false, scratch);
  }

  const canvas: Canvas = { data: floats(Slot.Canvas, W * H).fill(0), width: W, height: H };
  scanConvert(field, display, nb, ns, canvas.data, W, H);
  if (field.probeArc) drawProbeArc(field, canvas.data, W, H);
  drawOverlay(canvas, style.ui, device, frameRng.fork('ui'), { linear: field.linear });
  const pixels = new Uint8Array(W * H);
  const out = canvas.data;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    pixels[i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0; // = Math.round for 0 < v < 255
  }
  return pixels;
}
