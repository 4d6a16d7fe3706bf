// `node bench/memory.mjs`: the wasm heap one training step needs (the peak: a wasm memory never
// shrinks), per network and batch, through train() from dist/ in a fresh process per point. What a
// data-parallel worker with that shard needs (plus its copy of the weights and Adam state, included).
// Env: BENCH_NET (resnet18,mobilenetv2,densenet121 — comma list), BENCH_SIZE (224), BENCH_BATCHES (1,2,4,8).
// Last stdout line: one JSON object.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NETS = { reference: 'reference-cnn', resnet18: 'resnet18', mobilenetv2: 'mobilenetv2_100', densenet121: 'densenet121' };
const SIZE = Number(process.env.BENCH_SIZE ?? 224);

async function point(net, batch) {
  const tf = await import('@tensorflow/tfjs-core');
  const { arraySource, createModel, presetConfig, setupBackend, train } = await import('../dist/node.js');
  await setupBackend({ backend: 'wasm' });
  const config = net === 'reference' ? { architecture: 'reference-cnn', numClasses: 6, inputSize: SIZE } : presetConfig(NETS[net], { numClasses: 6, inputSize: SIZE });
  const model = createModel(config, { seed: 1 });
  const memory = () => tf.backend().wasm.asm.memory.buffer.byteLength;
  const before = memory();
  const images = tf.randomNormal([batch, SIZE, SIZE, 1], 0, 1, 'float32', 1);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 6);
  await train({ model, epochs: 1, optimizer: 'adam', learningRate: 1e-3, train: arraySource({ images, labels, batchSize: batch, shuffle: false }) });
  const activations = model.summary().reduce((s, r) => s + r.outputShape.reduce((p, q) => p * q, 1), 0);
  return { net, batch, heapBytes: memory(), heapBytesBeforeTraining: before, params: model.paramCount().total, summaryActivationsPerImage: activations };
}

if (process.env.BENCH_POINT) {
  const [net, batch] = process.env.BENCH_POINT.split(':');
  console.log(JSON.stringify(await point(net, Number(batch))));
  process.exit(0);
}
const results = [];
for (const net of (process.env.BENCH_NET ?? 'resnet18,mobilenetv2').split(',')) {
  for (const batch of (process.env.BENCH_BATCHES ?? '1,2,4,8').split(',').map(Number)) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { encoding: 'utf8', env: { ...process.env, BENCH_POINT: `${net}:${batch}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : { net, batch, failed: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') };
    console.error(JSON.stringify(out));
    results.push(out);
  }
}
console.log(JSON.stringify({ bench: 'memory', size: SIZE, results }));
