// Plain JavaScript on purpose: vitest loads each package's vitest.config.ts with Node, which imports
// this file as it is (no TypeScript step). Types: vitest-config.d.mts.

/**
 * The vitest options every @fpdb package tests with: tests beside the code (src/) and in test/,
 * a minute per test (real images, worker threads and training on shared CI machines).
 * @returns {import('vitest/config').UserConfig}
 */
export function fpdbVitestConfig() {
  return {
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, passWithNoTests: true },
  };
}
