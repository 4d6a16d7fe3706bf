// Test helper: the real FETAL_PLANES_DB fixtures, from the repo copy or the shared folder.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder holding the real fixtures (`Images/`, the CSV), or undefined when neither copy exists. */
export function realFixturesDir(): string | undefined {
  const candidates = ['../../../../fixtures/real', '../../../../../shared/fixtures/real'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p));
}
