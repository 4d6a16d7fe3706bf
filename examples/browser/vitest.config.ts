import { defineConfig } from 'vitest/config';

// Unit tests beside the code (src/) and the end-to-end test (test/: builds the site, serves dist/, drives Chromium), in Node.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 },
});
