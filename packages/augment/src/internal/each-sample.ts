import type { Rng } from '@fpdb/schema';
import type { Work } from './work.js';

/**
 * Calls `fn(i)` for every active sample that wins its coin of probability `p`. The coin is drawn only
 * when 0 < p < 1, so `p: 1` pipelines spend no draws on it.
 */
export function eachSample(work: Work, rng: Rng, p: number, fn: (i: number) => void): void {
  if (p === 0) return;
  for (let i = 0; i < work.batch; i++) {
    if (work.active[i] === 0) continue;
    if (p < 1 && !(rng.next() < p)) continue;
    fn(i);
  }
}
