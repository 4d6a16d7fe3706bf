import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  // generateDataset starts it from dist/ with new URL('./worker.js', import.meta.url).
  internalEntry: { worker: 'src/worker.ts' },
});
