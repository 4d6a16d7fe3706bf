/**
 * 2×3 affine matrices `[a, b, c, d, e, f]` mapping (x, y) → (a·x + b·y + c, d·x + e·y + f), in pixel
 * coordinates with pixel centres at integers (0 … W−1). Geometric transforms store the INVERSE map
 * (output pixel → source pixel), which is what a warp needs.
 */
export type Mat = [number, number, number, number, number, number];

export const IDENTITY: Readonly<Mat> = [1, 0, 0, 0, 1, 0];

/** m · n (apply n first, then m). */
export function multiply(m: Readonly<Mat>, n: Readonly<Mat>): Mat {
  return [m[0] * n[0] + m[1] * n[3], m[0] * n[1] + m[1] * n[4], m[0] * n[2] + m[1] * n[5] + m[2], m[3] * n[0] + m[4] * n[3], m[3] * n[1] + m[4] * n[4], m[3] * n[2] + m[4] * n[5] + m[5]];
}

/** Inverse of an invertible affine map. */
export function invert(m: Readonly<Mat>): Mat {
  const det = m[0] * m[4] - m[1] * m[3];
  const ia = m[4] / det;
  const ib = -m[1] / det;
  const id = -m[3] / det;
  const ie = m[0] / det;
  return [ia, ib, -(ia * m[2] + ib * m[5]), id, ie, -(id * m[2] + ie * m[5])];
}

/**
 * Forward map of the torchvision-style affine about the image centre: rotate by `angleDeg`
 * (counter-clockwise as seen on screen), shear by (`shearXDeg`, `shearYDeg`), scale by `scale`,
 * then translate by (`tx`, `ty`) pixels.
 */
export function forwardAffine(width: number, height: number, angleDeg: number, tx: number, ty: number, scale: number, shearXDeg: number, shearYDeg: number): Mat {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const t = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  // Screen-CCW rotation with y pointing down.
  const r: Mat = [cos, sin, 0, -sin, cos, 0];
  const sh: Mat = [1, Math.tan((shearXDeg * Math.PI) / 180), 0, Math.tan((shearYDeg * Math.PI) / 180), 1, 0];
  const core = multiply(r, multiply(sh, [scale, 0, 0, 0, scale, 0]));
  // Conjugate by the centre shift and add the translation.
  return [core[0], core[1], cx + tx - core[0] * cx - core[1] * cy, core[3], core[4], cy + ty - core[3] * cx - core[4] * cy];
}

/** The inverse map of a horizontal flip. */
export function flipMatrix(width: number): Mat {
  return [-1, 0, width - 1, 0, 1, 0];
}

/** True when `m` is exactly the identity. */
export function isIdentity(m: Readonly<Mat>): boolean {
  return m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 0 && m[4] === 1 && m[5] === 0;
}

/** True when `m` is exactly a horizontal flip of an image `width` wide. */
export function isFlip(m: Readonly<Mat>, width: number): boolean {
  return m[0] === -1 && m[1] === 0 && m[2] === width - 1 && m[3] === 0 && m[4] === 1 && m[5] === 0;
}
