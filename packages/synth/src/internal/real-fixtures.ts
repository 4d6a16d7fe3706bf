import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Path of a file of the real release fixtures, for tests and scripts: `<repo>/fixtures/real/<file>`,
 * or `../shared/fixtures/real/<file>` next to the repository when the repo does not ship it.
 */
export function realFixture(file: string): string {
  const candidates = ['../../../../fixtures/real/', '../../../../../shared/fixtures/real/'].map((p) => fileURLToPath(new URL(p + file, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
