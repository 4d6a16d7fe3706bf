// `pnpm bench:inference`: inference latency (batch 1, ms/image) and throughput (batch 64, images/s)
// of every architecture at 128² and 224² on the wasm backend (one thread), with PyTorch on the same
// machine as the peer when /usr/bin/python3 has torch + torchvision. The last stdout line is one JSON object.
// Flags: --sizes=128,224 --archs=reference-cnn,resnet18,mobilenet-v2,densenet169 --batch=64 --reps=5 --backend=wasm
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, setupBackend } from '../dist/index.js';

const args = new Map(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
const SIZES = (args.get('sizes') ?? '128,224').split(',').map(Number);
const BATCH = Number(args.get('batch') ?? 64);
const REPS = Number(args.get('reps') ?? 5);
const BACKEND = args.get('backend') ?? 'wasm';
const ARCHS = {
  'reference-cnn': { architecture: 'reference-cnn' },
  resnet18: { architecture: 'resnet' },
  'mobilenet-v2': { architecture: 'mobilenet-v2' },
  densenet169: { architecture: 'densenet' },
};
const chosen = (args.get('archs') ?? Object.keys(ARCHS).join(',')).split(',');
const log = (...a) => console.error(...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(model, batch, size, reps) {
  const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 1);
  const run = () => {
    const t0 = performance.now();
    const y = model.apply(x);
    y.dataSync();
    y.dispose();
    return performance.now() - t0;
  };
  run(); // warm-up (kernel setup, XNNPACK operator caches)
  const ms = Array.from({ length: reps }, run);
  x.dispose();
  return median(ms);
}

const setup = await setupBackend({ backend: BACKEND });
log(`backend ${setup.backend} (simd ${setup.simd})`);
const results = {};
for (const name of chosen) {
  for (const size of SIZES) {
    const model = createModel({ ...ARCHS[name], numClasses: 6, inputSize: size }, { seed: 1 });
    const latency = time(model, 1, size, REPS);
    const batchMs = time(model, BATCH, size, Math.max(1, Math.ceil(REPS / 3)));
    const key = `${name}@${size}`;
    results[key] = { latencyMs: +latency.toFixed(2), throughput: +((BATCH * 1000) / batchMs).toFixed(1), params: model.paramCount().trainable };
    log(`${key}: batch 1 ${latency.toFixed(1)} ms/image; batch ${BATCH} ${results[key].throughput} img/s`);
    model.dispose();
  }
}

let torch = null;
const py = '/usr/bin/python3';
const probe = spawnSync(py, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
if (probe.status === 0) {
  const script = fileURLToPath(new URL('./inference_torch.py', import.meta.url));
  const r = spawnSync(py, [script, `--sizes=${SIZES.join(',')}`, `--archs=${chosen.join(',')}`, `--batch=${BATCH}`, `--reps=${REPS}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status === 0) {
    torch = JSON.parse(r.stdout.trim().split('\n').at(-1));
    log(`torch ${torch.version} (${torch.threads} threads): ${JSON.stringify(torch.results)}`);
  } else log(`torch peer failed: ${r.stderr.slice(-500)}`);
} else log('torch not installed for /usr/bin/python3: peer skipped');

const ratios = {};
if (torch)
  for (const key of Object.keys(results)) {
    const t = torch.results[key];
    if (t) ratios[key] = { latency: +(results[key].latencyMs / t.latencyMs).toFixed(2), throughput: +(results[key].throughput / t.throughput).toFixed(3) };
  }
console.log(JSON.stringify({ bench: 'inference', backend: setup.backend, simd: setup.simd, batch: BATCH, cpus: os.cpus().length, node: process.version, results, torch, ratiosVsTorch: ratios }));
