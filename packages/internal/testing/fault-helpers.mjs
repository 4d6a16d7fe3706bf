// Shared by the fault-injection scripts (loader: cache builds and downloads; experiment: training runs).
// Plain JavaScript: the scripts are .mjs run by Node as they are. Types: fault-helpers.d.mts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FastRandom } from '@fpdb/schema';

/**
 * A seeded uniform [0, 1) for choosing kill points: the schema's FastRandom (Mulberry32).
 * @param {number} seed
 * @returns {() => number}
 */
export function seededRandom(seed) {
  const random = new FastRandom(seed);
  return () => random.next();
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
