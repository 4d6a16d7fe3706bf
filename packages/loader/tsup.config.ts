import { defineConfig } from 'tsup';

export default defineConfig({
  // decode-worker.ts is a separate entry: the decode pool starts it from dist/ with new URL('./decode-worker.js', import.meta.url).
  entry: { index: 'src/index.ts', node: 'src/node.ts', tfjs: 'src/tfjs.ts', 'decode-worker': 'src/decode-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts', tfjs: 'src/tfjs.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
