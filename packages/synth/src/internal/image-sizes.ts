import type { Operator, UsMachine } from '@fpdb/schema';
import type { Rng } from '@fpdb/schema';

/** Width, height and relative weight of one image size. */
export type SizeEntry = readonly [width: number, height: number, weight: number];

/**
 * Image sizes by (operator, machine). The couplings come from the 60 real images the project ships
 * (e.g. Op. 1/2 on Voluson E6 → 959×661, other Voluson E6 users → 961×663, Voluson S10 → 1137×787,
 * Op. 3 on Aloka → 640×392 or 740×448); the weights within a device are estimates, since the full
 * release's size histogram is not available offline. 707×531 is in the release's size list but not
 * among the shipped images; it is assigned to the `Other` machine.
 */
export const SIZES_BY_DEVICE: Readonly<Record<string, readonly SizeEntry[]>> = {
  'Op. 1|Voluson E6': [
    [959, 661, 0.95],
    [961, 443, 0.05],
  ],
  'Op. 2|Voluson E6': [
    [959, 661, 0.95],
    [961, 443, 0.05],
  ],
  'Other|Voluson E6': [
    [961, 663, 0.9],
    [961, 443, 0.1],
  ],
  'Other|Voluson S10': [[1137, 787, 1]],
  'Op. 3|Aloka': [
    [640, 392, 0.55],
    [740, 448, 0.45],
  ],
  'Other|Aloka': [
    [768, 519, 0.4],
    [692, 480, 0.2],
    [745, 559, 0.15],
    [869, 601, 0.12],
    [753, 567, 0.08],
    [384, 259, 0.05],
  ],
  'Other|Other': [
    [745, 559, 0.7],
    [707, 531, 0.3],
  ],
};

const FALLBACK: readonly SizeEntry[] = [[959, 661, 1]];

/** Draws an image size for a device (operator, machine) from {@link SIZES_BY_DEVICE}. */
export function drawImageSize(operator: Operator, usMachine: UsMachine, rng: Rng): { width: number; height: number } {
  const entries = SIZES_BY_DEVICE[`${operator}|${usMachine}`] ?? FALLBACK;
  const total = entries.reduce((s, e) => s + e[2], 0);
  let u = rng.next() * total;
  for (const [width, height, weight] of entries) {
    u -= weight;
    if (u < 0) return { width, height };
  }
  const last = entries[entries.length - 1]!;
  return { width: last[0], height: last[1] };
}
