#!/usr/bin/env node
// Full-size parity with PyTorch, outside CI: loads the real-size torchvision state dicts written by
//   /usr/bin/python3 packages/models/scripts/make-pretrained-fixtures.py --full
// (random weights and batch-norm statistics, /tmp/fpdb-pretrained-full/) into fpdb's presets through
// readWeights + loadStateDict, runs the gray inputs at 224² and prints, as JSON, the max |fpdb − PyTorch|
// over max |PyTorch logit| per network and file.
//
//   node packages/models/scripts/check-pretrained-full.mjs [--dir DIR] [--backend wasm|cpu] [--module PATH]
//
// --module: the built package to test (default ../dist/index.js; build it with `pnpm --filter @fpdb/models build`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/fpdb-pretrained-full' },
    backend: { type: 'string', default: 'wasm' },
    module: { type: 'string', default: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
  },
});
const fpdb = await import(pathToFileURL(values.module).href);
const tf = await import('@tensorflow/tfjs-core');
await fpdb.setupBackend({ backend: values.backend });

const reference = JSON.parse(readFileSync(join(values.dir, 'logits.json'), 'utf8'));
const PRESET_OF = { resnet18: 'resnet18', resnet34: 'resnet34', resnet50: 'resnet50', densenet121: 'densenet121', densenet169: 'densenet169', mobilenetv2_100: 'mobilenetv2_100' };

/** The generator's inputs: x[n, i, j] = sin(0.37 (n+1) i + 0.23 j) + 0.5 cos(0.11 i j / (n+1) + n), as [B, H, W, 1]. */
function grayInputs(batch, size) {
  const data = new Float32Array(batch * size * size);
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) data[(n * size + i) * size + j] = Math.sin(0.37 * (n + 1) * i + 0.23 * j) + 0.5 * Math.cos((0.11 * i * j) / (n + 1) + n);
    }
  }
  return tf.tensor4d(data, [batch, size, size, 1]);
}

const results = [];
for (const [network, ref] of Object.entries(reference.networks)) {
  for (const files of Object.values(ref.files)) {
    for (const file of files) {
      const model = fpdb.createModel(fpdb.presetConfig(PRESET_OF[network], { numClasses: ref.numClasses, inputSize: ref.inputSize }));
      const weights = fpdb.readWeights(new Uint8Array(readFileSync(join(values.dir, file))), { name: file });
      const loaded = fpdb.loadStateDict(model, weights, { keepClassifier: true });
      const x = grayInputs(ref.logits.length, ref.inputSize);
      const logits = model.apply(x);
      const actual = logits.dataSync();
      const expected = ref.logits.flat();
      const scale = Math.max(...expected.map(Math.abs));
      const maxRelativeError = Math.max(...expected.map((v, i) => Math.abs(actual[i] - v))) / scale;
      tf.dispose([x, logits]);
      model.dispose();
      results.push({ network, file, layout: loaded.layout, maxRelativeError, maxAbsLogit: scale, seconds: +((performance.now() - started) / 1000).toFixed(2) });
    }
  }
}
console.log(JSON.stringify({ backend: values.backend, inputSize: 224, results }, null, 1));
if (results.some((r) => !(r.maxRelativeError < 1e-4))) process.exitCode = 1;
