// Standard normal draws by Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8), 2000) with 256 layers: one
// 32-bit draw, a table look-up, a compare and a multiply for ~98.7 % of the samples; the rest go through
// the exact wedge/tail test in `zigguratSlow`. The result is exactly N(0, 1) up to the 2^−23 grid of a
// 24-bit layer coordinate (the low 8 bits of the draw pick the layer), finer than float32 pixels.
//
// Kernels inline the fast path next to their own Mulberry32 state (see intensity.ts) and hand the rare
// slow case to `zigguratSlow` through `zigState`.

const LAYERS = 256;
const MASK = LAYERS - 1;
const R = 3.6541528853610088;
const V = 0.00492867323399;
const M1 = 2147483648;

/** |hz| below ZIG_K[i] ⇒ hz·ZIG_W[i] is inside layer i's rectangle: accept at once. */
export const ZIG_K = new Float64Array(LAYERS);
/** Layer widths divided by 2^31: the normal value of a signed 32-bit draw hz in layer i is hz·ZIG_W[i]. */
export const ZIG_W = new Float64Array(LAYERS);
const ZIG_F = new Float64Array(LAYERS);

{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * M1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / M1;
  ZIG_W[MASK] = dn / M1;
  ZIG_F[0] = 1;
  ZIG_F[MASK] = Math.exp(-0.5 * dn * dn);
  for (let i = MASK - 1; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * M1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / M1;
  }
}

/** The Mulberry32 state shared with `zigguratSlow`: a kernel stores its state here before the call and reads it back after. */
export const zigState = { s: 0 };

function nextInt(): number {
  let t = (zigState.s = (zigState.s + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return t ^ (t >>> 14);
}

function nextUniform(): number {
  // (0, 1]: never 0, so its log is finite.
  return ((nextInt() >>> 0) + 1) / 4294967296;
}

/**
 * The rejected case of the fast path for the signed draw `hz` (layer `hz & 255`): the base strip's tail
 * beyond R, or the wedge test against the density; on rejection new draws come from `zigState`.
 */
export function zigguratSlow(hz: number): number {
  for (;;) {
    const iz = hz & MASK;
    const x = hz * ZIG_W[iz]!;
    if (iz === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(nextUniform()) / R;
        ty = -Math.log(nextUniform());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (ZIG_F[iz]! + nextUniform() * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-0.5 * x * x)) return x;
    hz = nextInt();
    const jz = hz & MASK;
    if (Math.abs(hz) < ZIG_K[jz]!) return hz * ZIG_W[jz]!;
  }
}
