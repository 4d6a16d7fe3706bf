import { defineConfig } from 'vitest/config';

// The end-to-end test only (test/), run in Node: it builds the site, serves dist/ and drives Chromium.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 },
});
