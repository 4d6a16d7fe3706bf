import type { BrainPlane, Plane, Rng } from '@fpdb/schema';
import type { Shape } from './scene.js';

/** Where the anatomy sits: centre in pixels, size unit `s` in pixels, rotation, and a mirror of the long axis. */
export interface Pose {
  cx: number;
  cy: number;
  s: number;
  rot: number;
  flip: 1 | -1;
}

/** Reflectivity levels, relative; the display maps them through log compression. */
const FLUID = 0.004;
const BONE = 1.5;

/** Builds shapes in a pose's local frame: u along the long axis, v across, both in units of `pose.s`. */
class Sketch {
  readonly shapes: Shape[] = [];
  constructor(private readonly pose: Pose) {}
  private at(u: number, v: number): [number, number] {
    const { cx, cy, s, rot, flip } = this.pose;
    const x = u * flip * s;
    const y = v * s;
    return [cx + x * Math.cos(rot) - y * Math.sin(rot), cy + x * Math.sin(rot) + y * Math.cos(rot)];
  }
  private angle(a: number): number {
    return this.pose.rot + (this.pose.flip === 1 ? a : Math.PI - a);
  }
  ellipse(u: number, v: number, a: number, b: number, value: number, o: { rot?: number; edge?: number; att?: number; mode?: 'set' | 'add'; specular?: number } = {}): this {
    const [cx, cy] = this.at(u, v);
    this.shapes.push({
      kind: 'ellipse',
      cx,
      cy,
      a: a * this.pose.s,
      b: b * this.pose.s,
      rot: this.angle(o.rot ?? 0),
      edge: (o.edge ?? 0.02) * this.pose.s,
      value,
      mode: o.mode ?? 'set',
      att: o.att,
      specular: o.specular,
    });
    return this;
  }
  ring(u: number, v: number, a: number, b: number, width: number, value: number, o: { rot?: number; att?: number; specular?: number } = {}): this {
    const [cx, cy] = this.at(u, v);
    this.shapes.push({
      kind: 'ring',
      cx,
      cy,
      a: a * this.pose.s,
      b: b * this.pose.s,
      rot: this.angle(o.rot ?? 0),
      width: Math.max(1, width * this.pose.s),
      value,
      mode: 'add',
      att: o.att,
      specular: o.specular,
    });
    return this;
  }
  segment(u0: number, v0: number, u1: number, v1: number, width: number, value: number, o: { att?: number; specular?: number; mode?: 'set' | 'add' } = {}): this {
    const [x0, y0] = this.at(u0, v0);
    const [x1, y1] = this.at(u1, v1);
    this.shapes.push({ kind: 'segment', x0, y0, x1, y1, width: Math.max(1, width * this.pose.s), value, mode: o.mode ?? 'add', att: o.att, specular: o.specular });
    return this;
  }
  /** A polyline through points [u, v, …]. */
  path(points: readonly number[], width: number, value: number, o: { att?: number; specular?: number; mode?: 'set' | 'add' } = {}): this {
    for (let k = 0; k + 3 < points.length; k += 2) this.segment(points[k]!, points[k + 1]!, points[k + 2]!, points[k + 3]!, width, value, o);
    return this;
  }
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Faint thin echoes scattered inside a region: sulci, vessels, fascia — clutter common to every class. */
function clutter(k: Sketch, rng: Rng, count: number, radius: number, value: number): void {
  for (let i = 0; i < count; i++) {
    const u = (rng.next() * 2 - 1) * radius;
    const v = (rng.next() * 2 - 1) * radius * 0.8;
    const a = rng.next() * Math.PI;
    const l = (0.05 + rng.next() * 0.15) * radius;
    k.segment(u, v, u + Math.cos(a) * l, v + Math.sin(a) * l, 0.008 + rng.next() * 0.01, value * (0.5 + rng.next()), { specular: 0.5 });
  }
}

/** Amniotic fluid around a fetal part: a few overlapping dark pockets, not one clean halo. */
function fluid(k: Sketch, rng: Rng, a: number, b: number): void {
  const n = 2 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const t = rng.next() * Math.PI * 2;
    k.ellipse(Math.cos(t) * a * 0.35, Math.sin(t) * b * 0.35, a * (0.75 + 0.4 * rng.next()), b * (0.75 + 0.4 * rng.next()), FLUID, {
      rot: rng.next() * Math.PI,
      edge: 0.12 + 0.1 * rng.next(),
      att: 0.2,
    });
  }
}

/**
 * The fetal head: skull ellipse, midline, and the cues of the brain plane (TT, TC, TV or an off-standard view).
 * Units: the skull's half-length is 1 (u, positive toward the forehead), its half-width `aspect` ≈ 0.78 (v,
 * positive away from the probe). Cue sizes follow fetal anatomy at mid-gestation relative to the biparietal
 * diameter (cavum ≈ 0.1 of it wide, thalami ≈ 0.25 long, cerebellum ≈ 0.4 across, atrium ≈ 0.12 wide).
 */
function brain(k: Sketch, brainPlane: BrainPlane, shapeRng: Rng, cue: number, rng: Rng): void {
  // The head is the same in every frame of a patient; the cues' layout is fixed per brain plane.
  const head = shapeRng.fork('head');
  const shape = shapeRng.fork(brainPlane);
  const aspect = 0.74 + head.next() * 0.08;
  fluid(k, head.fork('fluid'), 1.3, 1.1);
  k.ellipse(0, 0, 1.08, 1.08 * aspect + 0.05, 0.04, { edge: 0.03 });
  const inside = 0.015 + 0.012 * head.next();
  k.ellipse(0, 0, 1, aspect, inside, { edge: 0.03, att: 1 });
  const skull = 0.3 + 0.3 * head.next();
  k.ring(0, 0, 1.01, aspect + 0.01, 0.06, skull, { att: 25, specular: 0.85 });
  k.ring(0, 0, 1.07, aspect + 0.07, 0.04, 0.05, { specular: 0.5 });
  clutter(k, rng, 6, 0.75, 0.03);
  // Cue strength varies per image, uniform in 0.2–1: some frames barely show their plane's structures.
  const c = 0.2 + (0.8 * (cue - 0.35)) / 0.65;
  const dark = (v: number): number => lerp(inside, v, c);
  const midline = 0.12 * (0.6 + 0.4 * head.next());
  const jitter = (amount: number): number => (shape.next() - 0.5) * 2 * amount + (rng.next() - 0.5) * amount;
  const falx = (u0: number, u1: number): void => {
    k.segment(u0, 0, u1, 0, 0.014, midline, { specular: 0.6 });
  };
  // Cavum septi pellucidi: a box of fluid on the midline, its two leaves bright.
  const cavum = (u: number, len: number, w: number, strength: number): void => {
    k.segment(u - len / 2, 0, u + len / 2, 0, w, lerp(inside, FLUID, strength), { mode: 'set' });
    k.segment(u - len / 2, -w / 2, u + len / 2, -w / 2, 0.02, 0.14 * strength, { specular: 0.4 });
    k.segment(u - len / 2, w / 2, u + len / 2, w / 2, 0.02, 0.14 * strength, { specular: 0.4 });
  };
  // Thalami: paired hypoechoic ovals either side of the slit of the third ventricle, heart-shaped.
  const thalami = (u: number, strength: number): void => {
    const t = lerp(inside, 0.004, strength * c);
    k.ellipse(u, -0.14, 0.22, 0.13, t, { rot: 0.35, edge: 0.04 });
    k.ellipse(u, 0.14, 0.22, 0.13, t, { rot: -0.35, edge: 0.04 });
    k.segment(u - 0.2, 0, u + 0.16, 0, 0.018, 0.1 * strength * c, { specular: 0.3 });
    // The ambient cisterns: bright curves hugging the thalami from behind.
    k.path([u - 0.05, -0.27, u - 0.22, -0.19, u - 0.27, -0.05], 0.02, 0.1 * strength * c, { specular: 0.4 });
    k.path([u - 0.05, 0.27, u - 0.22, 0.19, u - 0.27, 0.05], 0.02, 0.1 * strength * c, { specular: 0.4 });
  };
  switch (brainPlane) {
    case 'Trans-thalamic': {
      const cu = 0.4 + jitter(0.05);
      const tu = 0.0 + jitter(0.06);
      cavum(cu, 0.22, 0.13, c);
      falx(cu + 0.11, 0.95);
      falx(-0.95, tu - 0.3);
      thalami(tu, 1);
      // Tilted a little toward the posterior fossa: part of the cerebellum shows, faintly.
      if (shape.next() < 0.25) {
        const w = 0.13;
        k.ellipse(-0.6, -w, w, w, lerp(inside, 0.03, 0.3 * c), { edge: 0.03 });
        k.ellipse(-0.6, w, w, w, lerp(inside, 0.03, 0.3 * c), { edge: 0.03 });
      }
      break;
    }
    case 'Trans-cerebellum': {
      const cu = 0.38 + jitter(0.05);
      const bu = -0.55 + jitter(0.05);
      const w = 0.14 + 0.03 * shape.next();
      cavum(cu, 0.18, 0.1, c * 0.8);
      falx(cu + 0.09, 0.95);
      falx(-0.95, bu - 0.2);
      // Brain stem and peduncles ahead of the cerebellum, faint thalami further forward.
      k.ellipse(bu + 0.27, 0, 0.11, 0.13, dark(0.008), { edge: 0.03 });
      thalami(bu + 0.55, 0.2 + 0.45 * shape.next());
      // Cisterna magna: anechoic behind the cerebellum, against the occipital bone.
      k.ellipse(bu - 0.2, 0, 0.1, 0.22, dark(FLUID), { edge: 0.02, mode: 'set' });
      // Cerebellum: two round hemispheres joined by the bright vermis — a dumbbell across the midline.
      k.ellipse(bu, -w, w, w * 1.05, dark(0.03), { edge: 0.02 });
      k.ellipse(bu, w, w, w * 1.05, dark(0.03), { edge: 0.02 });
      k.ring(bu, -w, w, w * 1.05, 0.025, 0.16 * c, { specular: 0.4 });
      k.ring(bu, w, w, w * 1.05, 0.025, 0.16 * c, { specular: 0.4 });
      k.ellipse(bu, 0, 0.08, 0.06, lerp(inside, 0.22, c), { edge: 0.02, mode: 'set' });
      break;
    }
    case 'Trans-ventricular': {
      const cu = 0.42 + jitter(0.05);
      cavum(cu, 0.2, 0.11, c * 0.8);
      falx(-0.95, cu - 0.1);
      falx(cu + 0.1, 0.95);
      // Frontal horns either side of the cavum.
      k.ellipse(cu + 0.12, -0.13, 0.1, 0.035, dark(FLUID), { rot: -0.5, edge: 0.02 });
      k.ellipse(cu + 0.12, 0.13, 0.1, 0.035, dark(FLUID), { rot: 0.5, edge: 0.02 });
      // Atrium of the lateral ventricle in the far hemisphere: a dark elongated space with walls, the bright
      // choroid plexus filling its back half.
      if (shape.next() < 0.4) thalami(0.02, 0.2 + 0.3 * shape.next());
      const side = shape.next() < 0.9 ? 1 : -1;
      const vu = -0.35 + jitter(0.06);
      const vv = (0.37 + jitter(0.04)) * side;
      const tilt = (0.2 + jitter(0.08)) * side;
      k.ellipse(vu, vv, 0.34, 0.11, dark(FLUID), { rot: tilt, edge: 0.02, mode: 'set' });
      k.ring(vu, vv, 0.35, 0.12, 0.02, 0.1 * c, { rot: tilt, specular: 0.5 });
      k.ellipse(vu - 0.08, vv, 0.19, 0.075, lerp(inside, 0.35, c), { rot: tilt, edge: 0.02, mode: 'set' });
      break;
    }
    default: {
      // Off-standard brain views: a mix of partial cues, or none, at low contrast.
      const kind = shape.int(3);
      falx(-0.9, 0.9);
      if (kind === 0) {
        k.ellipse(0.55, -0.3, 0.12, 0.12, FLUID, { edge: 0.02 });
        k.ellipse(0.55, 0.3, 0.12, 0.12, FLUID, { edge: 0.02 });
      } else if (kind === 1) {
        cavum(0.35, 0.18, 0.1, c * 0.6);
        k.ellipse(-0.45, 0.3, 0.25, 0.06, dark(FLUID * 0.6), { edge: 0.02 });
      } else {
        k.ellipse(-0.5, 0, 0.18, 0.22, dark(0.045), { edge: 0.03 });
      }
    }
  }
}

function abdomen(k: Sketch, shape: Rng, rng: Rng): void {
  const b = 0.86 + shape.next() * 0.1;
  fluid(k, shape.fork('fluid'), 1.3, 1.2);
  k.ellipse(0, 0, 1, b, 0.05 + 0.02 * shape.next(), { edge: 0.03, att: 1.2 });
  k.ring(0, 0, 1, b, 0.03, 0.22, { att: 3, specular: 0.5 });
  clutter(k, rng, 5, 0.7, 0.05);
  const su = -0.2 + (shape.next() - 0.5) * 0.2;
  k.ellipse(su, -0.25, 0.24 + 0.08 * shape.next(), 0.15, FLUID, { rot: 0.3, edge: 0.03, att: 0.2 });
  k.path([0.55, 0.1, 0.3, 0.12, 0.12, 0.02, 0.05, -0.12], 0.05, 0.012, { mode: 'set' });
  // The spine: three ossification centres at the back, shadowing what lies behind them.
  const sv = b * 0.78;
  k.ellipse(-0.05, sv, 0.05, 0.035, BONE, { att: 22, specular: 0.3 });
  k.ellipse(0.05, sv, 0.05, 0.035, BONE, { att: 22, specular: 0.3 });
  k.ellipse(0, sv - 0.12, 0.05, 0.035, BONE * 0.9, { att: 22, specular: 0.3 });
  k.segment(0.9, -0.25, 0.96, 0.05, 0.03, BONE * 0.5, { att: 20, specular: 0.4 });
  k.segment(-0.9, -0.25, -0.96, 0.05, 0.03, BONE * 0.5, { att: 20, specular: 0.4 });
}

function thorax(k: Sketch, shape: Rng, rng: Rng): void {
  const b = 0.88 + shape.next() * 0.1;
  fluid(k, shape.fork('fluid'), 1.3, 1.2);
  k.ellipse(0, 0, 1, b, 0.09 + 0.03 * shape.next(), { edge: 0.03, att: 1.5 });
  k.ring(0, 0, 1, b, 0.03, 0.25, { att: 3, specular: 0.5 });
  // Ribs: short bright arcs on the wall, each casting a shadow.
  for (let i = 0; i < 6; i++) {
    const t = (i / 6) * Math.PI * 2 + shape.next() * 0.4;
    const u = Math.cos(t);
    const v = Math.sin(t) * b;
    k.segment(u * 0.97, v * 0.97, Math.cos(t + 0.25) * 0.97, Math.sin(t + 0.25) * b * 0.97, 0.035, BONE * 0.7, { att: 15, specular: 0.5 });
  }
  clutter(k, rng, 4, 0.7, 0.05);
  // Four-chamber heart: a myocardial ellipse with four dark chambers and a bright crux.
  const hu = -0.15 + (shape.next() - 0.5) * 0.15;
  const hv = -0.1;
  k.ellipse(hu, hv, 0.45, 0.38, 0.05, { rot: 0.7, edge: 0.04 });
  const ax = Math.cos(0.7);
  const ay = Math.sin(0.7);
  for (const [p, q] of [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ] as const) {
    const du = 0.17 * p;
    const dv = 0.13 * q;
    k.ellipse(hu + du * ax - dv * ay, hv + du * ay + dv * ax, 0.12 + 0.04 * shape.next(), 0.08 + 0.04 * shape.next(), 0.01, { rot: 0.7 + shape.next() - 0.5, edge: 0.03, att: 0.2 });
  }
  k.segment(hu - 0.36 * ay, hv + 0.36 * ax, hu + 0.36 * ay, hv - 0.36 * ax, 0.03, 0.08, { specular: 0.4 });
  k.segment(hu - 0.3 * ax, hv - 0.3 * ay, hu + 0.3 * ax, hv + 0.3 * ay, 0.02, 0.06, { specular: 0.4 });
  const sv = b * 0.78;
  k.ellipse(0.3, sv, 0.05, 0.035, BONE, { att: 22, specular: 0.3 });
  k.ellipse(0.4, sv - 0.06, 0.05, 0.035, BONE, { att: 22, specular: 0.3 });
  k.ellipse(0.2, sv - 0.15, 0.06, 0.06, FLUID, { edge: 0.01 });
}

function femur(k: Sketch, shape: Rng, rng: Rng): void {
  fluid(k, shape.fork('fluid'), 1.2, 0.6);
  k.ellipse(0, 0.05, 1.05, 0.38, 0.06, { edge: 0.06, att: 1.2 });
  clutter(k, rng, 4, 0.6, 0.05);
  const bow = -0.02 - 0.04 * shape.next();
  const len = 0.72 + 0.1 * shape.next();
  // One straight shaft (a polyline would double the attenuation where its segments overlap).
  k.segment(-len, bow / 2, len, -bow / 2, 0.05, BONE * (0.6 + 0.4 * shape.next()), { att: 80, specular: 0.5 });
  k.ellipse(-len - 0.07, 0.01, 0.07, 0.06, 0.02, { edge: 0.02 });
  k.ellipse(len + 0.07, 0.01, 0.07, 0.06, 0.02, { edge: 0.02 });
  if (shape.next() < 0.5) k.path([-0.9, 0.45, 0.1, 0.55, 0.6, 0.62], 0.04, BONE * 0.5, { att: 60, specular: 0.6 });
}

function cervix(k: Sketch, shape: Rng, rng: Rng): void {
  k.ellipse(0, 0, 1, 0.3 + 0.08 * shape.next(), 0.1 + 0.04 * shape.next(), { edge: 0.08, att: 1.5 });
  clutter(k, rng, 5, 0.8, 0.08);
  k.ellipse(0, 0, 0.85, 0.055, 0.025, { edge: 0.02 });
  const curve = (shape.next() - 0.5) * 0.1;
  k.path([-0.85, 0, -0.3, curve, 0.3, curve, 0.85, 0], 0.016, 0.3, { specular: 0.4 });
  if (shape.next() < 0.6) k.ellipse(0.55, -0.55, 0.45, 0.25, FLUID, { edge: 0.05, att: 0.2, rot: -0.3 });
  if (shape.next() < 0.4) k.ellipse(-0.95, 0, 0.18, 0.09, FLUID, { edge: 0.04 });
}

/** The "Other" class: non-standard views (limbs, spine, organs, profile, cord and placenta, vessels). */
export const OTHER_VIEWS = ['vessel', 'limb', 'spine', 'organ', 'profile', 'placenta'] as const;
export type OtherView = (typeof OTHER_VIEWS)[number];

function other(k: Sketch, view: OtherView, shape: Rng, rng: Rng): void {
  switch (view) {
    case 'vessel': {
      k.ellipse(0, 0, 3, 0.35 + 0.1 * shape.next(), FLUID * 2, { edge: 0.05, att: 0.2 });
      k.segment(-3, -0.37, 3, -0.4, 0.05, 0.35, { specular: 0.5 });
      k.segment(-3, 0.37, 3, 0.4, 0.06, 0.45, { specular: 0.5 });
      clutter(k, rng, 8, 1.5, 0.04);
      break;
    }
    case 'limb': {
      fluid(k, shape.fork('fluid'), 1.3, 1);
      k.ellipse(0, 0, 0.9, 0.4, 0.06, { edge: 0.08, rot: shape.next() });
      const n = 3 + shape.int(4);
      for (let i = 0; i < n; i++) {
        const u = (shape.next() - 0.5) * 1.2;
        const v = (shape.next() - 0.5) * 0.6;
        const a = (shape.next() - 0.5) * 1.2;
        const l = 0.1 + shape.next() * 0.25;
        k.segment(u, v, u + Math.cos(a) * l, v + Math.sin(a) * l, 0.035, BONE * 0.8, { att: 80, specular: 0.5 });
      }
      break;
    }
    case 'spine': {
      k.ellipse(0, 0.1, 1.6, 0.6, 0.05, { edge: 0.1 });
      const bend = (shape.next() - 0.5) * 0.3;
      for (let i = -6; i <= 6; i++) {
        const u = i * 0.13;
        const v = bend * (u * u);
        k.ellipse(u, v - 0.1, 0.045, 0.03, BONE, { att: 22, specular: 0.3 });
        k.ellipse(u, v + 0.1, 0.045, 0.03, BONE * 0.8, { att: 60, specular: 0.3 });
      }
      k.path([-1, -0.45, 0, -0.5, 1, -0.42], 0.03, 0.3, { specular: 0.5 });
      break;
    }
    case 'organ': {
      k.ellipse(0, 0, 1.3, 1.1, 0.07, { edge: 0.2 });
      k.ellipse(0, 0, 0.55, 0.3, 0.035, { edge: 0.04, rot: shape.next() });
      k.ellipse(0, 0, 0.3, 0.1, 0.3, { edge: 0.05, rot: shape.next() });
      k.ring(0, 0, 0.55, 0.3, 0.02, 0.12, { specular: 0.5 });
      if (shape.next() < 0.5) k.ellipse(0.6, 0.5, 0.2, 0.2, FLUID, { edge: 0.02 });
      clutter(k, rng, 6, 1, 0.05);
      break;
    }
    case 'profile': {
      fluid(k, shape.fork('fluid'), 1.2, 1.2);
      k.ellipse(-0.4, 0, 0.9, 0.85, 0.05, { edge: 0.04 });
      k.path([-0.6, -0.85, -0.1, -0.75, 0.25, -0.45, 0.45, -0.25, 0.38, -0.1, 0.45, 0.05, 0.4, 0.18, 0.45, 0.3, 0.3, 0.55], 0.035, 0.5, { specular: 0.4 });
      k.ring(-0.4, -0.1, 0.8, 0.72, 0.035, BONE * 0.6, { att: 25, specular: 0.6 });
      break;
    }
    default: {
      k.ellipse(0, -0.4, 2.5, 0.45, 0.12, { edge: 0.1, att: 2 });
      k.ellipse(0, 0.5, 2.5, 0.6, FLUID, { edge: 0.1, att: 0.2 });
      for (let i = 0; i < 4; i++) k.ellipse(-0.5 + i * 0.28, 0.45 + (shape.next() - 0.5) * 0.2, 0.09, 0.09, 0.12, { edge: 0.02 });
      for (let i = 0; i < 4; i++) k.ellipse(-0.5 + i * 0.28, 0.45, 0.05, 0.05, FLUID, { edge: 0.01 });
      clutter(k, rng, 6, 1.2, 0.06);
    }
  }
}

/**
 * The shapes of one image's anatomy.
 * @param shapeRng per patient-plane (or per brain plane): fixes what the structures look like for that patient.
 * @param frameRng per image: clutter and cue strength.
 */
export function anatomyShapes(plane: Plane, brainPlane: BrainPlane, pose: Pose, shapeRng: Rng, frameRng: Rng, otherView: OtherView): Shape[] {
  const k = new Sketch(pose);
  const cue = 0.35 + 0.65 * frameRng.next();
  switch (plane) {
    case 'Fetal brain':
      brain(k, brainPlane, shapeRng, cue, frameRng);
      break;
    case 'Fetal abdomen':
      abdomen(k, shapeRng, frameRng);
      break;
    case 'Fetal thorax':
      thorax(k, shapeRng, frameRng);
      break;
    case 'Fetal femur':
      femur(k, shapeRng, frameRng);
      break;
    case 'Maternal cervix':
      cervix(k, shapeRng, frameRng);
      break;
    default:
      other(k, otherView, shapeRng, frameRng);
  }
  return k.shapes;
}
