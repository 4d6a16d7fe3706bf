// Shared by the fault-injection scripts (loader: cache builds and downloads; experiment: training runs).
// Plain JavaScript: the scripts are .mjs run by Node as they are. Types: fault-helpers.d.mts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * mulberry32: a seeded uniform [0, 1) for choosing kill points.
 * @param {number} seed
 * @returns {() => number}
 */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every file under `dir` (except the `skip` paths) → the sha1 of its bytes, or with `cheap` its size and mtime.
 * @param {string} dir
 * @param {{ skip?: Set<string>; cheap?: boolean }} [options]
 * @returns {Record<string, string>}
 */
export function snapshotTree(dir, { skip = new Set(), cheap = false } = {}) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @param {string} d */
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (skip.has(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (cheap) {
        const s = statSync(p);
        out[relative(dir, p)] = `${s.size}@${s.mtimeMs}`;
      } else out[relative(dir, p)] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
