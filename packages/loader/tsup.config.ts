import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', tfjs: 'src/tfjs.ts' },
  // The decode pool starts it from dist/ with new URL('./decode-worker.js', import.meta.url).
  internalEntry: { 'decode-worker': 'src/decode-worker.ts' },
});
