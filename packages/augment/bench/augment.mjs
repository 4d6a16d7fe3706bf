// pnpm bench:augment — images/s of every @fpdb/augment transform and of ultrasoundDefaults() on batches
// of 32 float images at 128² and 224², beside torchvision.transforms (Debian python3-torchvision, run
// per image with 1 thread, see torchvision_bench.py) in the same run. Timing is process CPU time on both
// sides (a busy shared machine skews wall time more than CPU time); wall time is reported too.
// The last stdout line is one JSON object.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as A from '../dist/index.js';

const BATCH = 32;
const SIZES = [128, 224];
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 500);
// The reference CNN's training step, B = 32 at 128² on wasm: the fastest figure measured in
// docs/training-on-cpu.md (1,185–1,306 ms with the gradient polyfill) — the strictest comparison.
const TRAINING_STEP_MS = 1185;

const transforms = {
  horizontalFlip: A.horizontalFlip({ p: 0.5 }),
  rotate: A.rotate({ degrees: 15 }),
  affine: A.affine({ degrees: 10, translate: [0.05, 0.05], scale: [0.9, 1.1] }),
  randomResizedCrop: A.randomResizedCrop({ scale: [0.5, 1], ratio: [3 / 4, 4 / 3] }),
  brightness: A.brightness({ factor: 0.2 }),
  contrast: A.contrast({ factor: 0.2 }),
  gamma: A.gamma({ gamma: [0.8, 1.25] }),
  gaussianNoise: A.gaussianNoise({ std: [0, 0.05] }),
  speckleNoise: A.speckleNoise({ std: [0, 0.15] }),
  gaussianBlur: A.gaussianBlur({ sigma: [0.1, 2], kernelSize: 7 }),
  sharpen: A.sharpen({ factor: 2, p: 0.5 }),
  randomErasing: A.randomErasing({ scale: [0.02, 0.2], p: 0.5 }),
  elastic: A.elastic({ alpha: 50, sigma: 5 }),
  mixUp: A.mixUp({ alpha: 0.2, numClasses: 6 }),
  cutMix: A.cutMix({ alpha: 1, numClasses: 6 }),
  randAugment: A.randAugment(2, 9),
  trivialAugment: A.trivialAugment(),
  ultrasoundDefaults: A.ultrasoundDefaults(),
};
// Transforms torchvision 0.14 offers as such (the target set). Noise, speckle, MixUp and CutMix run
// against plain torch equivalents; the policies against torchvision's RandAugment/TrivialAugmentWide
// on uint8 (different op sets); ultrasoundDefaults against the same chain composed from torchvision.
const TORCHVISION_HAS = new Set(['horizontalFlip', 'rotate', 'affine', 'randomResizedCrop', 'brightness', 'contrast', 'gamma', 'gaussianBlur', 'sharpen', 'randomErasing', 'elastic']);

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeIt(fn) {
  fn();
  let reps = 0;
  const c0 = cpuMs();
  const w0 = performance.now();
  do {
    fn();
    reps++;
  } while (cpuMs() - c0 < MIN_MS);
  const cpu = (cpuMs() - c0) / reps;
  const wall = (performance.now() - w0) / reps;
  return { msPerBatch: cpu, wallMsPerBatch: wall, imagesPerSecond: BATCH / (cpu / 1000), reps };
}

function randomBatch(size, seed) {
  let s = seed;
  const data = new Float32Array(BATCH * size * size);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 4294967296;
  }
  return { data, batch: BATCH, height: size, width: size, labels: Int32Array.from({ length: BATCH }, (_, i) => i % 6), numClasses: 6 };
}

function runTorchvision() {
  const script = fileURLToPath(new URL('./torchvision_bench.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, SIZES.join(','), String(MIN_MS / 1000)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    process.stderr.write(`torchvision peer skipped: ${(r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop()}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const tv = runTorchvision();
const results = {};
for (const size of SIZES) {
  const batch = randomBatch(size, size);
  results[size] = {};
  let seed = 0;
  for (const [name, t] of Object.entries(transforms)) {
    results[size][name] = timeIt(() => t.apply(batch, seed++));
  }
}

const round = (v, d = 1) => (v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);
const table = {};
const lines = [];
let allFaster = tv ? true : null;
for (const name of Object.keys(transforms)) {
  table[name] = { torchvisionHas: TORCHVISION_HAS.has(name) };
  for (const size of SIZES) {
    const f = results[size][name];
    const t = tv?.sizes?.[size]?.[name];
    const ratio = t ? f.imagesPerSecond / t.imagesPerSecond : undefined;
    table[name][size] = { fpdb: round(f.imagesPerSecond, 0), torch: round(t?.imagesPerSecond, 0), ratio: round(ratio, 2) };
    if (TORCHVISION_HAS.has(name) && ratio !== undefined && ratio <= 1) allFaster = false;
    lines.push(`${name.padEnd(20)} ${String(size).padStart(3)}²  fpdb ${round(f.imagesPerSecond, 0).toString().padStart(7)} img/s   ${t ? `torch ${round(t.imagesPerSecond, 0).toString().padStart(7)} img/s   ×${round(ratio, 2)}` : '(no torch peer)'}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
const defaultsMs = results[128].ultrasoundDefaults.msPerBatch;
const summary = {
  bench: 'augment',
  batch: BATCH,
  sizes: SIZES,
  timing: 'process CPU time per batch of 32 (float32 in [0,1], 1 channel); wall time in details',
  torch: tv ? { torch: tv.torch, torchvision: tv.torchvision, threads: tv.threads, mode: tv.mode } : null,
  transforms: table,
  fasterThanTorchvisionOnEveryShared: allFaster,
  defaultPipeline: {
    msPerBatch128: round(defaultsMs, 2),
    wallMsPerBatch128: round(results[128].ultrasoundDefaults.wallMsPerBatch, 2),
    trainingStepMs: TRAINING_STEP_MS,
    fractionOfStep: round(defaultsMs / TRAINING_STEP_MS, 4),
    under10Percent: defaultsMs / TRAINING_STEP_MS < 0.1,
  },
  details: { fpdb: results, torch: tv?.sizes ?? null },
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
