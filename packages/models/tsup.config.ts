import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({
  entry: { index: 'src/index.ts' },
  // The data-parallel training worker, loaded by URL next to index.js.
  internalEntry: { 'parallel-worker': 'src/training/parallel/worker.ts' },
  // tfjs-core ships its gradient configs only as extension-less ESM (dist/register_all_gradients.js),
  // which Node cannot import: bundle those internals, keep the @tensorflow/tfjs-core entry external.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
