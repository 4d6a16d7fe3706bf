import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';
import { tfjsGradientsPlugin } from './scripts/tfjs-gradients-plugin.js';

export default fpdbTsupConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  // The data-parallel training worker, loaded by URL next to index.js.
  internalEntry: { 'parallel-worker': 'src/training/parallel/worker.ts' },
  // tfjs-core ships its gradient configs only as extension-less ESM (dist/register_all_gradients.js),
  // which Node cannot import: bundle those files, and let the plugin point everything else they import
  // at the public @tensorflow/tfjs-core entry (no second copy of the engine, tensors or ops).
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients$/],
  esbuildPlugins: [tfjsGradientsPlugin()],
});
