// `pnpm bench:inference`: inference latency (batch 1, ms/image) and throughput (batch 32, images/s)
// of every architecture at 128² and 224² on the wasm backend (one thread), with PyTorch on the same
// machine as the peer when /usr/bin/python3 has torch + torchvision, at 1 thread (the same compute as
// ours) and at --torch-threads (default: all cores). The last stdout line is one JSON object; its
// `speedVsTorch` is fpdb's speed over PyTorch's (> 1: fpdb faster) at batch 1 and batch N, per thread count.
// Flags: --sizes=128,224 --archs=reference-cnn,resnet18,mobilenet-v2,densenet121,densenet169 --batch=32
// --reps=5 --backend=wasm --torch-threads=<cores> --torch=0 (fpdb only) --dist=<folder>
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

const args = new Map(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
// --dist=<folder>: another build of the package (e.g. a copy of dist/ from another commit), for an A/B.
const { createModel, presetConfig, setupBackend } = await import(args.has('dist') ? pathToFileURL(resolve(args.get('dist'), 'index.js')).href : '../dist/index.js');
const SIZES = (args.get('sizes') ?? '128,224').split(',').map(Number);
const BATCH = Number(args.get('batch') ?? 32);
const REPS = Number(args.get('reps') ?? 5);
const BACKEND = args.get('backend') ?? 'wasm';
// The torchvision networks as @fpdb/models' presets (1-channel stem), as bench/train.mjs builds them.
const ARCHS = {
  'reference-cnn': (size) => ({ architecture: 'reference-cnn', numClasses: 6, inputSize: size }),
  resnet18: (size) => presetConfig('resnet18', { numClasses: 6, inputSize: size }),
  'mobilenet-v2': (size) => presetConfig('mobilenetv2_100', { numClasses: 6, inputSize: size }),
  densenet121: (size) => presetConfig('densenet121', { numClasses: 6, inputSize: size }),
  densenet169: (size) => presetConfig('densenet169', { numClasses: 6, inputSize: size }),
};
const chosen = (args.get('archs') ?? 'reference-cnn,resnet18,mobilenet-v2,densenet121').split(',');
const TORCH_THREADS = Number(args.get('torch-threads') ?? os.cpus().length);
const log = (...a) => console.error(...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall ms and CPU ms (this process: one thread here) of `model.apply` at `batch`, read back. */
function time(model, batch, size, reps) {
  const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 1);
  const run = () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const y = model.apply(x);
    y.dataSync();
    y.dispose();
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
  run(); // warm-up (kernel setup, XNNPACK operator caches)
  const runs = Array.from({ length: reps }, run);
  x.dispose();
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

const setup = await setupBackend({ backend: BACKEND });
log(`backend ${setup.backend} (simd ${setup.simd})`);
const results = {};
for (const name of chosen) {
  for (const size of SIZES) {
    const model = createModel(ARCHS[name](size), { seed: 1 });
    const latency = time(model, 1, size, REPS);
    const batched = time(model, BATCH, size, Math.max(1, Math.ceil(REPS / 3)));
    const key = `${name}@${size}`;
    results[key] = {
      latencyMs: +latency.ms.toFixed(2),
      latencyCpuMs: +latency.cpuMs.toFixed(2),
      throughput: +((BATCH * 1000) / batched.ms).toFixed(2),
      cpuMsPerImage: +(batched.cpuMs / BATCH).toFixed(2),
      params: model.paramCount().trainable,
    };
    log(`${key}: batch 1 ${latency.ms.toFixed(1)} ms/image (${latency.cpuMs.toFixed(1)} CPU ms); batch ${BATCH} ${results[key].throughput} img/s (${results[key].cpuMsPerImage} CPU ms/image)`);
    model.dispose();
  }
}

const torch = {};
const py = '/usr/bin/python3';
const probe = args.get('torch') === '0' ? { status: 1 } : spawnSync(py, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
if (probe.status === 0) {
  const script = fileURLToPath(new URL('./inference_torch.py', import.meta.url));
  for (const threads of [...new Set([1, TORCH_THREADS])]) {
    const r = spawnSync(py, [script, `--sizes=${SIZES.join(',')}`, `--archs=${chosen.join(',')}`, `--batch=${BATCH}`, `--reps=${REPS}`, `--threads=${threads}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status === 0) {
      torch[threads] = JSON.parse(r.stdout.trim().split('\n').at(-1));
      log(`torch ${torch[threads].version} (${torch[threads].threads} threads): ${JSON.stringify(torch[threads].results)}`);
    } else log(`torch peer failed: ${r.stderr.slice(-500)}`);
  }
} else log(args.get('torch') === '0' ? 'torch peer skipped (--torch=0)' : 'torch not installed for /usr/bin/python3: peer skipped');

// fpdb's speed over PyTorch's: batch 1 from latencies, batch N from throughputs (> 1: fpdb is faster).
const speedVsTorch = {};
for (const [threads, t] of Object.entries(torch)) {
  for (const key of Object.keys(results)) {
    const peer = t.results[key];
    if (!peer) continue;
    speedVsTorch[`${key} torch ${threads} thread${threads === '1' ? '' : 's'}`] = {
      batch1: +(peer.latencyMs / results[key].latencyMs).toFixed(3),
      [`batch${BATCH}`]: +(results[key].throughput / peer.throughput).toFixed(3),
      // CPU time is nearly independent of other load on a shared machine; with one torch thread it is its compute cost.
      ...(threads === '1' && peer.latencyCpuMs
        ? { batch1ByCpuTime: +(peer.latencyCpuMs / results[key].latencyCpuMs).toFixed(3), [`batch${BATCH}ByCpuTime`]: +(peer.cpuMsPerImage / results[key].cpuMsPerImage).toFixed(3) }
        : {}),
    };
  }
}
console.log(
  JSON.stringify({
    bench: 'inference',
    backend: setup.backend,
    simd: setup.simd,
    relaxedSimd: setup.relaxedSimd,
    batch: BATCH,
    cpus: os.cpus().length,
    node: process.version,
    load: os.loadavg().map((l) => Math.round(l * 10) / 10),
    results,
    torch,
    speedVsTorch,
  }),
);
