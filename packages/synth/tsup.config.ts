import { defineConfig } from 'tsup';

export default defineConfig({
  // worker.ts is a separate entry: generateDataset starts it from dist/ with new URL('./worker.js', import.meta.url).
  entry: { index: 'src/index.ts', worker: 'src/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
