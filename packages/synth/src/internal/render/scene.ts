/**
 * Shapes of a synthetic ultrasound scene in image pixels, and their rasterisation onto the beam grid
 * (reflectivity and attenuation per cell). Brightness of interfaces depends on the angle between the
 * surface and the beam (specular reflection), as on a real scanner.
 */

/** How a shape combines with what is below it. */
export type BlendMode = 'set' | 'add';

interface ShapeBase {
  /** Reflectivity of the shape (fluid ≈ 0.004, soft tissue ≈ 0.05–0.12, interfaces ≈ 0.3–0.6, bone ≈ 1–2). */
  value: number;
  mode: BlendMode;
  /** Attenuation, per unit of field depth (tissue ≈ 1.5, fluid ≈ 0.2, bone ≈ 100+). */
  att?: number;
  /** 0 = diffuse, 1 = only as bright as it faces the beam. */
  specular?: number;
}

/** A filled ellipse (soft edge of `edge` px). */
export interface EllipseShape extends ShapeBase {
  kind: 'ellipse';
  cx: number;
  cy: number;
  a: number;
  b: number;
  rot: number;
  edge: number;
}

/** An elliptical ring of `width` px (a skull, a body wall). */
export interface RingShape extends ShapeBase {
  kind: 'ring';
  cx: number;
  cy: number;
  a: number;
  b: number;
  rot: number;
  width: number;
}

/** A thick line segment with round ends. */
export interface SegmentShape extends ShapeBase {
  kind: 'segment';
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  width: number;
}

export type Shape = EllipseShape | RingShape | SegmentShape;

/** The beam grid: cell centres in image pixels and the beam direction of each beam. */
export interface BeamGrid {
  /** Beams (lateral). */
  nb: number;
  /** Samples per beam (axial). */
  ns: number;
  /** Cell centre x, index `b * ns + s`. */
  xs: Float32Array;
  ys: Float32Array;
  /** Unit beam direction per beam. */
  dx: Float32Array;
  dy: Float32Array;
  /** Beam and sample index ranges [b0, b1) × [s0, s1) that cover a pixel box, to skip cells that cannot be hit. */
  cover(minX: number, minY: number, maxX: number, maxY: number): [number, number, number, number];
}

function bounds(s: Shape): [number, number, number, number] {
  if (s.kind === 'segment') {
    const m = s.width;
    return [Math.min(s.x0, s.x1) - m, Math.min(s.y0, s.y1) - m, Math.max(s.x0, s.x1) + m, Math.max(s.y0, s.y1) + m];
  }
  const r = Math.max(s.a, s.b) + (s.kind === 'ring' ? s.width : s.edge) + 1;
  return [s.cx - r, s.cy - r, s.cx + r, s.cy + r];
}

/**
 * Paints `shapes`, in order, onto the reflectivity and attenuation arrays of `grid`.
 */
export function rasterize(grid: BeamGrid, shapes: readonly Shape[], refl: Float32Array, att: Float32Array): void {
  const { ns, xs, ys, dx, dy } = grid;
  for (const shape of shapes) {
    const [minX, minY, maxX, maxY] = bounds(shape);
    const spec = shape.specular ?? 0;
    const hasAtt = shape.att !== undefined;
    const attV = shape.att ?? 0;
    const set = shape.mode === 'set';
    let cos = 1;
    let sin = 0;
    if (shape.kind !== 'segment') {
      cos = Math.cos(shape.rot);
      sin = Math.sin(shape.rot);
    }
    // Ellipses and rings: the band of q = |(u/a, v/b)| where the soft edge or the ring lies, squared.
    let minAB = 1;
    let edgeE = 1;
    let qIn2 = 0;
    let qOut2 = Infinity;
    if (shape.kind === 'ellipse') {
      minAB = Math.min(shape.a, shape.b);
      edgeE = Math.max(shape.edge, 0.5);
      qIn2 = Math.max(0, 1 - edgeE / minAB) ** 2;
      if (edgeE >= minAB) qIn2 = -1;
      qOut2 = (1 + edgeE / minAB) ** 2;
    } else if (shape.kind === 'ring') {
      minAB = Math.min(shape.a, shape.b);
      const reach = (shape.width / 2 + 1) / minAB;
      qIn2 = reach >= 1 ? -1 : (1 - reach) ** 2;
      qOut2 = (1 + reach) ** 2;
    }
    let segLen2 = 0;
    let sdx = 0;
    let sdy = 0;
    if (shape.kind === 'segment') {
      sdx = shape.x1 - shape.x0;
      sdy = shape.y1 - shape.y0;
      segLen2 = Math.max(sdx * sdx + sdy * sdy, 1e-9);
    }
    const [b0, b1, s0, s1] = grid.cover(minX, minY, maxX, maxY);
    for (let b = b0; b < b1; b++) {
      const bx = dx[b]!;
      const by = dy[b]!;
      const base = b * ns;
      for (let s = s0; s < s1; s++) {
        const i = base + s;
        const x = xs[i]!;
        const y = ys[i]!;
        if (x < minX || x > maxX || y < minY || y > maxY) continue;
        let alpha: number;
        let nx = 0;
        let ny = 0;
        if (shape.kind === 'segment') {
          const px = x - shape.x0;
          const py = y - shape.y0;
          const t = Math.min(1, Math.max(0, (px * sdx + py * sdy) / segLen2));
          const ex = px - t * sdx;
          const ey = py - t * sdy;
          const d = Math.sqrt(ex * ex + ey * ey);
          const hw = shape.width / 2;
          if (d >= hw + 1) continue;
          alpha = d <= hw - 1 ? 1 : (hw + 1 - d) / 2;
          if (spec > 0) {
            const inv = 1 / Math.sqrt(segLen2);
            nx = -sdy * inv;
            ny = sdx * inv;
          }
        } else {
          const px = x - shape.cx;
          const py = y - shape.cy;
          const u = px * cos + py * sin;
          const v = -px * sin + py * cos;
          const ua = u / shape.a;
          const vb = v / shape.b;
          const q2 = ua * ua + vb * vb;
          if (shape.kind === 'ellipse') {
            // Outside the soft edge, or fully inside it, without the square root.
            if (q2 >= qOut2) continue;
            if (q2 <= qIn2) alpha = 1;
            else {
              const d = (Math.sqrt(q2) - 1) * minAB;
              alpha = d >= edgeE ? 0 : d <= -edgeE ? 1 : 0.5 - (0.5 * d) / edgeE;
              if (alpha <= 0) continue;
            }
          } else {
            if (q2 >= qOut2 || q2 <= qIn2) continue;
            const d = (Math.sqrt(q2) - 1) * minAB;
            const hw = shape.width / 2;
            const ad = Math.abs(d);
            if (ad >= hw + 1) continue;
            alpha = ad <= hw - 1 ? 1 : (hw + 1 - ad) / 2;
            // Soften the ring's profile so it reads as a bright band rather than a drawn line.
            alpha *= 1 - 0.5 * (ad / (hw + 1)) ** 2;
          }
          if (spec > 0) {
            const gu = u / (shape.a * shape.a);
            const gv = v / (shape.b * shape.b);
            const gl = Math.sqrt(gu * gu + gv * gv) || 1;
            nx = (gu * cos - gv * sin) / gl;
            ny = (gu * sin + gv * cos) / gl;
          }
        }
        let value = shape.value;
        if (spec > 0) value *= 1 - spec + spec * Math.abs(nx * bx + ny * by);
        if (set) {
          refl[i] = refl[i]! + (value - refl[i]!) * alpha;
          if (hasAtt) att[i] = att[i]! + (attV - att[i]!) * alpha;
        } else {
          refl[i] = refl[i]! + value * alpha;
          if (hasAtt) att[i] = att[i]! + attV * alpha;
        }
      }
    }
  }
}
