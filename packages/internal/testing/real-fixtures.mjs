// Plain JavaScript on purpose: tests (TypeScript under vitest) and Node scripts (bench, generators)
// both locate the fixtures with it. Types: real-fixtures.d.mts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the real fixtures may be, in order: the repo's copy, then the shared one next to the repo. */
const CANDIDATES = ['../../../fixtures/real', '../../../../shared/fixtures/real'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

/**
 * The folder of the real FETAL_PLANES_DB fixtures (the release's CSV, `Images/`, `resaved/`):
 * `<repo>/fixtures/real`, or `../shared/fixtures/real` next to the repository; undefined when neither
 * holds the CSV (tests that need the images then skip).
 * @returns {string | undefined}
 */
export function findRealFixtures() {
  return CANDIDATES.find((dir) => existsSync(join(dir, 'FETAL_PLANES_DB_data.csv')));
}

/**
 * The folder of the real fixtures (see {@link findRealFixtures}).
 * @returns {string}
 * @throws Error naming both places looked at when neither holds the fixtures.
 */
export function realFixturesDir() {
  const dir = findRealFixtures();
  if (dir === undefined) throw new Error(`The real FETAL_PLANES_DB fixtures were not found (looked in ${CANDIDATES.join(' and ')}).`);
  return dir;
}

/**
 * The path of a file of the real fixtures, e.g. `realFixture('FETAL_PLANES_DB_data.csv')` or
 * `realFixture('Images', name)`.
 * @param {...string} parts
 * @returns {string}
 */
export function realFixture(...parts) {
  return join(realFixturesDir(), ...parts);
}
