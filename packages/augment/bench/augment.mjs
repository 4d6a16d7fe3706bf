// pnpm bench:augment — images/s of every @fpdb/augment transform and of ultrasoundDefaults() on batches
// of 32 float images at 128² and 224², beside torchvision.transforms (Debian python3-torchvision, run
// per image with 1 thread, see torchvision_bench.py) in the same run. Timing is process CPU time on both
// sides (a busy shared machine skews wall time more than CPU time); wall time is reported too.
//
// The machine is shared and noisy, so the two sides run in ROUNDS interleaved rounds (torch first on even
// rounds, fpdb first on odd ones; each round spawns a fresh Python whose imports are not timed), each
// measurement lasting ≥ MIN_MS of CPU time. Each side's figure is its BEST round (least disturbed);
// medians are reported beside them. Environment: BENCH_ROUNDS (default 5), BENCH_MIN_MS (default 300),
// BENCH_ONLY (comma list of transform names), BENCH_SIZES (default 128,224), BENCH_TORCH=0 (fpdb only).
// The last stdout line is one JSON object; its `ratios` field holds fpdb ÷ torch images/s per transform
// (fpdb in place, as in training), `copyingRatios` the same for apply(), which allocates its output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as A from '../dist/index.js';

const BATCH = 32;
const SIZES = (process.env.BENCH_SIZES ?? '128,224').split(',').map(Number);
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 300);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
// The reference CNN's training step, B = 32 at 128² on wasm: the fastest figure measured in
// docs/training-on-cpu.md (1,185–1,306 ms with the gradient polyfill) — the strictest comparison.
const TRAINING_STEP_MS = 1185;

const allTransforms = {
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
const transforms = Object.fromEntries(Object.entries(allTransforms).filter(([name]) => !ONLY || ONLY.has(name)));
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
  return { msPerBatch: cpu, wallMsPerBatch: wall, reps };
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

let torchMeta;
let torchSkipped = process.env.BENCH_TORCH === '0';
function torchRound() {
  if (torchSkipped) return undefined;
  const script = fileURLToPath(new URL('./torchvision_bench.py', import.meta.url));
  const args = [script, SIZES.join(','), String(MIN_MS / 1000), ONLY ? [...ONLY].join(',') : ''];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    process.stderr.write(`torchvision peer skipped: ${(r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop()}\n`);
    torchSkipped = true;
    return undefined;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  torchMeta = { torch: out.torch, torchvision: out.torchvision, threads: out.threads, mode: out.mode };
  return out.sizes;
}

const batches = Object.fromEntries(SIZES.map((size) => [size, randomBatch(size, size)]));
// The training loop's way: the loader hands over a fresh batch and asLoaderHook augments it in place
// (applyInPlace). Each repetition first restores the batch from the source (a 6.4 MB copy at 224², timed
// with it), so every call sees the same input, as torch's side does. `apply` (which allocates its
// output) is timed too and reported in details.copying.
const work = Object.fromEntries(SIZES.map((size) => [size, { ...batches[size], data: new Float32Array(batches[size].data.length) }]));
let seed = 0;
function fpdbRound(copying) {
  const out = {};
  for (const size of SIZES) {
    out[size] = {};
    const w = work[size];
    for (const [name, t] of Object.entries(transforms)) {
      out[size][name] = copying
        ? timeIt(() => t.apply(batches[size], seed++))
        : timeIt(() => {
            w.data.set(batches[size].data);
            t.applyInPlace(w, seed++);
          });
    }
  }
  return out;
}

// runs[side][size][name] = [{ msPerBatch, wallMsPerBatch, reps }, …] over rounds
const runs = { fpdb: {}, torch: {}, copying: {} };
function record(side, sizes) {
  if (!sizes) return;
  for (const [size, row] of Object.entries(sizes)) {
    for (const [name, m] of Object.entries(row)) ((runs[side][size] ??= {})[name] ??= []).push(m);
  }
}
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    record('torch', torchRound());
    record('fpdb', fpdbRound(false));
  } else {
    record('fpdb', fpdbRound(false));
    record('torch', torchRound());
  }
  record('copying', fpdbRound(true));
  process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function summarise(list) {
  if (!list) return undefined;
  const ms = list.map((m) => m.msPerBatch);
  const best = Math.min(...ms);
  const med = median(ms);
  return {
    bestMsPerBatch: best,
    medianMsPerBatch: med,
    imagesPerSecond: BATCH / (best / 1000),
    medianImagesPerSecond: BATCH / (med / 1000),
    medianWallMsPerBatch: median(list.map((m) => m.wallMsPerBatch)),
    msPerRound: ms,
  };
}

const round = (v, d = 1) => (v === undefined || v === null ? null : Math.round(v * 10 ** d) / 10 ** d);
const table = {};
const ratios = {};
const details = { fpdb: {}, torch: {}, copying: {} };
const copyingRatios = {};
const lines = [];
let allFaster = torchSkipped ? null : true;
for (const name of Object.keys(transforms)) {
  table[name] = { torchvisionHas: TORCHVISION_HAS.has(name) };
  ratios[name] = {};
  for (const size of SIZES) {
    const f = summarise(runs.fpdb[size]?.[name]);
    const t = summarise(runs.torch[size]?.[name]);
    (details.fpdb[size] ??= {})[name] = f;
    (details.torch[size] ??= {})[name] = t ?? null;
    const c = summarise(runs.copying[size]?.[name]);
    (details.copying[size] ??= {})[name] = c;
    (copyingRatios[name] ??= {})[size] = t ? round(c.imagesPerSecond / t.imagesPerSecond, 2) : null;
    const ratio = t ? f.imagesPerSecond / t.imagesPerSecond : undefined;
    const medianRatio = t ? f.medianImagesPerSecond / t.medianImagesPerSecond : undefined;
    table[name][size] = { fpdb: round(f.imagesPerSecond, 0), torch: round(t?.imagesPerSecond, 0), ratio: round(ratio, 2), medianRatio: round(medianRatio, 2) };
    ratios[name][size] = round(ratio, 2);
    if (TORCHVISION_HAS.has(name) && ratio !== undefined && ratio <= 1) allFaster = false;
    lines.push(
      `${name.padEnd(20)} ${String(size).padStart(3)}²  fpdb ${round(f.imagesPerSecond, 0).toString().padStart(7)} img/s   ` +
        (t ? `torch ${round(t.imagesPerSecond, 0).toString().padStart(7)} img/s   ×${round(ratio, 2)} (median ×${round(medianRatio, 2)})` : '(no torch peer)'),
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
const defaults = details.fpdb[128]?.ultrasoundDefaults;
const summary = {
  bench: 'augment',
  batch: BATCH,
  sizes: SIZES,
  rounds: ROUNDS,
  minMsPerMeasurement: MIN_MS,
  timing:
    'process CPU time per batch of 32 (float32 in [0,1], 1 channel); best of the interleaved rounds per side (medians beside); fpdb = restore the batch + applyInPlace (the loader hook); copyingRatios = apply(), which allocates its output',
  torch: torchMeta ?? null,
  ratios,
  copyingRatios,
  transforms: table,
  fasterThanTorchvisionOnEveryShared: allFaster,
  defaultPipeline: defaults
    ? {
        msPerBatch128: round(defaults.bestMsPerBatch, 2),
        medianMsPerBatch128: round(defaults.medianMsPerBatch, 2),
        trainingStepMs: TRAINING_STEP_MS,
        fractionOfStep: round(defaults.bestMsPerBatch / TRAINING_STEP_MS, 4),
        under10Percent: defaults.bestMsPerBatch / TRAINING_STEP_MS < 0.1,
      }
    : null,
  details,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
