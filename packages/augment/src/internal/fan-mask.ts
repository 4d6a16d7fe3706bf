/**
 * Estimates the ultrasound sector ("fan") of one w×h image in [0, 1]: pixels brighter than `threshold`
 * after a small box blur, reduced to the largest 4-connected region, with its row and column spans
 * filled (the sector is convex, so dark fluid inside it stays inside), united with every raw pixel above
 * the threshold (machine text keeps its pixels). Writes 0/1 into `mask` at `off`.
 *
 * The region is found on a 2×-downsampled copy (4× less work); only dark pixels within a pixel of its
 * edge can land on the other side, because every bright pixel is kept by the raw test.
 */
export function estimateFanMask(data: Float32Array, off: number, w: number, h: number, threshold: number, mask: Uint8Array): void {
  const f = Math.min(w, h) >= 64 ? 2 : 1;
  const gw = Math.ceil(w / f);
  const gh = Math.ceil(h / f);
  const small = f === 1 ? data.subarray(off, off + w * h) : downsample(data, off, w, h, gw, gh);
  const gn = gw * gh;
  const r = Math.max(1, Math.round(Math.min(gw, gh) / 64));
  const blurred = boxBlur(small, 0, gw, gh, r);
  const on = new Uint8Array(gn);
  for (let k = 0; k < gn; k++) on[k] = blurred[k]! > threshold ? 1 : 0;
  const label = largestComponent(on, gw, gh);
  const rowLo = new Int32Array(gh).fill(gw);
  const rowHi = new Int32Array(gh).fill(-1);
  const colLo = new Int32Array(gw).fill(gh);
  const colHi = new Int32Array(gw).fill(-1);
  if (label) {
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        if (label[y * gw + x] === 0) continue;
        if (x < rowLo[y]!) rowLo[y] = x;
        if (x > rowHi[y]!) rowHi[y] = x;
        if (y < colLo[x]!) colLo[x] = y;
        if (y > colHi[x]!) colHi[x] = y;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    const gy = (y / f) | 0;
    const lo = rowLo[gy]!;
    const hi = rowHi[gy]!;
    const o = off + y * w;
    for (let x = 0; x < w; x++) {
      const gx = (x / f) | 0;
      const inside = (gx >= lo && gx <= hi) || (gy >= colLo[gx]! && gy <= colHi[gx]!);
      mask[o + x] = inside || data[o + x]! > threshold ? 1 : 0;
    }
  }
}

/** Mean of f×f blocks (f = 2), edge blocks averaged over the pixels they have. */
function downsample(data: Float32Array, off: number, w: number, h: number, gw: number, gh: number): Float32Array {
  const out = new Float32Array(gw * gh);
  const count = new Float32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const g = (y >> 1) * gw;
    const o = off + y * w;
    for (let x = 0; x < w; x++) {
      out[g + (x >> 1)] = out[g + (x >> 1)]! + data[o + x]!;
      count[g + (x >> 1)] = count[g + (x >> 1)]! + 1;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / count[k]!;
  return out;
}

/** Mean over a (2r+1)² window (clipped at the borders), by running sums: O(1) per pixel. */
function boxBlur(data: Float32Array, off: number, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = off + y * w;
    let s = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) s += data[row + x]!;
    for (let x = 0; x < w; x++) {
      const lo = Math.max(0, x - r);
      const hi = Math.min(w - 1, x + r);
      tmp[y * w + x] = s / (hi - lo + 1);
      if (x + r + 1 < w) s += data[row + x + r + 1]!;
      if (x - r >= 0) s -= data[row + x - r]!;
    }
  }
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = 0; y <= Math.min(r, h - 1); y++) s += tmp[y * w + x]!;
    for (let y = 0; y < h; y++) {
      const lo = Math.max(0, y - r);
      const hi = Math.min(h - 1, y + r);
      out[y * w + x] = s / (hi - lo + 1);
      if (y + r + 1 < h) s += tmp[(y + r + 1) * w + x]!;
      if (y - r >= 0) s -= tmp[(y - r) * w + x]!;
    }
  }
  return out;
}

/** The largest 4-connected region of `on` as a 0/1 array, or undefined when `on` is empty. */
function largestComponent(on: Uint8Array, w: number, h: number): Uint8Array | undefined {
  const n = w * h;
  const comp = new Int32Array(n);
  const stack = new Int32Array(n);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (!on[start] || comp[start]) continue;
    next++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    comp[start] = next;
    while (top > 0) {
      const k = stack[--top]!;
      size++;
      const x = k % w;
      if (x > 0 && on[k - 1] && !comp[k - 1]) {
        comp[k - 1] = next;
        stack[top++] = k - 1;
      }
      if (x < w - 1 && on[k + 1] && !comp[k + 1]) {
        comp[k + 1] = next;
        stack[top++] = k + 1;
      }
      if (k >= w && on[k - w] && !comp[k - w]) {
        comp[k - w] = next;
        stack[top++] = k - w;
      }
      if (k < n - w && on[k + w] && !comp[k + w]) {
        comp[k + w] = next;
        stack[top++] = k + w;
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = next;
    }
  }
  if (best === 0) return undefined;
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = comp[k] === best ? 1 : 0;
  return out;
}
