// Test-only: the real fixtures shipped with the repo, falling back to the shared copy next to it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function realFixtures(): string {
  const repo = fileURLToPath(new URL('../../../../fixtures/real', import.meta.url));
  if (existsSync(repo)) return repo;
  return fileURLToPath(new URL('../../../../../shared/fixtures/real', import.meta.url));
}

export const fixtureImage = (name: string): string => join(realFixtures(), 'Images', `${name}.png`);
