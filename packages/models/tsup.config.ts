import { defineConfig } from 'tsup';

export default defineConfig({
  // parallel-worker: the data-parallel training worker, loaded by URL next to index.js.
  entry: { index: 'src/index.ts', 'parallel-worker': 'src/training/parallel/worker.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // tfjs-core ships its gradient configs only as extension-less ESM (dist/register_all_gradients.js),
  // which Node cannot import: bundle those internals, keep the @tensorflow/tfjs-core entry external.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
