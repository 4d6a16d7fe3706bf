// `pnpm bench:train`: training images/s of the product's own path: `train()` from the built
// dist/ on `createModel({ architecture: 'reference-cnn', … })` over `arraySource` batches of
// synthetic N(0,1) images, on the tfjs cpu backend, on wasm in this thread (wasm1) and data-parallel
// through train()'s `workers` option (wasm2), against PyTorch on the same machine in the same run
// (same network shape, batch, optimizer and thread count) when /usr/bin/python3 has torch.
// Progress goes to stderr; the last stdout line is one JSON object. Options: BENCH_* env vars
// (see bench/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import os from 'node:os';
import { performance as perf } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const env = (name, fallback) => process.env[`BENCH_${name}`] ?? fallback;
// reference: the reference CNN; resnet18, resnet50, mobilenetv2, densenet121, densenet169: the presets (1-channel stem).
const NET = env('NET', 'reference');
const NETS = { reference: 'reference-cnn', resnet18: 'resnet18', resnet50: 'resnet50', mobilenetv2: 'mobilenetv2_100', densenet121: 'densenet121', densenet169: 'densenet169' };
if (!Object.hasOwn(NETS, NET)) throw new Error(`BENCH_NET=${NET}: use one of ${Object.keys(NETS).join(', ')}`);
const BIG = NET !== 'reference';
const SIZE = Number(env('SIZE', BIG ? 224 : 128));
const BATCH = Number(env('BATCH', BIG ? 8 : 32));
const STEPS = Math.max(1, Number(env('STEPS', 5)));
const WARMUP = Math.max(0, Number(env('WARMUP', 2)));
// BENCH_WORKERS=1,2,4 (a list): the scaling mode: one setup `workers<K>` per K with train({ workers: K }) at
// BENCH_BATCH images per worker (weak scaling, batch = BENCH_BATCH × K), plus wasm1; a `scaling` table.
const WORKER_LIST = env('WORKERS', '2').includes(',') ? env('WORKERS', '2').split(',').map(Number) : undefined;
const WORKERS = WORKER_LIST ? Math.max(...WORKER_LIST) : Number(env('WORKERS', 2));
const CPU_BATCH = Number(env('CPU_BATCH', 2));
// Also run the SIMD128 build (FPDB_WASM_RELAXED_SIMD=0), as Node 20 ran before the package set the flag.
const SIMD128 = env('SIMD128', '0') === '1';
const PROFILE = env('PROFILE', '0') === '1';
const PYTHON = env('PYTHON', '/usr/bin/python3');
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const CLASSES = 6;
const PARALLEL = `wasm${WORKERS}`;
const log = (...a) => console.error(...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round1 = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
/** CPU milliseconds the main thread ran so far (Linux schedstat, ns), whatever else the cores did; undefined elsewhere. */
const mainThreadCpuMs = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
};

/** The fpdb setups: backend, main-thread kernels, train()'s `workers`, batch, steps. */
const SETUPS = {
  wasm1: { backend: 'wasm', batch: BATCH },
  'wasm1-missing': { backend: 'wasm', kernels: 'missing', batch: BATCH },
  // Batch norm through tfjs' op chain (tf.moments + FusedBatchNorm) instead of our kernel pair.
  'wasm1-chain': { backend: 'wasm', bnChain: true, batch: BATCH },
  // The same as wasm1 from another build of the package (BENCH_BASE_DIST: a dist/ copied under
  // packages/models, e.g. from the commit before a kernel change): A/B of a kernel change in one run.
  ...(process.env.BENCH_BASE_DIST ? { 'wasm1-base': { backend: 'wasm', batch: BATCH, dist: process.env.BENCH_BASE_DIST } } : {}),
  // ReLU/ReLU6 gradients through tfjs' op chain (LessEqual + Step + Cast + Multiply) instead of FpdbReluGrad.
  'wasm1-relu-chain': { backend: 'wasm', reluChain: true, batch: BATCH },
  ...(WORKERS >= 2 && !WORKER_LIST ? { [PARALLEL]: { backend: 'wasm', workers: WORKERS, batch: BATCH } } : {}),
  ...Object.fromEntries((WORKER_LIST ?? []).map((k) => [`workers${k}`, { backend: 'wasm', workers: k, batch: BATCH * k }])),
  // With BENCH_BASE_DIST, each workers<K> also runs from that build (workers<K>-base), just before it.
  ...(process.env.BENCH_BASE_DIST
    ? Object.fromEntries((WORKER_LIST ?? []).map((k) => [`workers${k}-base`, { backend: 'wasm', workers: k, batch: BATCH * k, dist: process.env.BENCH_BASE_DIST }]))
    : {}),
  // A batch-32 step takes minutes on the cpu backend: one step at a small batch, extrapolated per image.
  cpu: { backend: 'cpu', batch: CPU_BATCH, steps: 1, warmup: 0 },
};

/** The built package in `dist`: its root entry and, where the build has one, the Node-only `node.js` (train()). */
async function importPackage(dist) {
  const root = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const node = existsSync(resolve(dist, 'node.js')) ? await import(pathToFileURL(resolve(dist, 'node.js')).href) : {};
  return { ...root, ...node };
}

/**
 * One setup, in this (child) process: `train()` for one epoch of warmup + steps batches; a step's
 * time is the gap between consecutive `onStepEnd` calls (the first one from the call to train()),
 * so it holds everything train() does per step: the batch gather, the forward/backward (in this
 * thread or over the workers), the gradient norm read-back and the optimizer update.
 */
async function runSetup(name) {
  const s = SETUPS[name];
  const steps = s.steps ?? STEPS;
  const warmup = s.warmup ?? WARMUP;
  const tf = await import('@tensorflow/tfjs-core');
  const { arraySource, createModel, presetConfig, setupBackend, train } = await importPackage(s.dist ? resolve(s.dist) : process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : here('../dist'));
  const setup = await setupBackend({ backend: s.backend, ...(s.kernels ? { wasmKernels: s.kernels } : {}) });
  const config = BIG ? presetConfig(NETS[NET], { numClasses: CLASSES, inputSize: SIZE }) : { architecture: 'reference-cnn', numClasses: CLASSES, inputSize: SIZE };
  const model = createModel(config, { seed: 1 });
  if (s.bnChain) {
    // The first training-mode forward registers the kernel pair (once per process); unregistering it
    // afterwards sends every batch norm down the op chain.
    tf.tidy(() => model.apply(tf.zeros([1, SIZE, SIZE, 1]), { training: true }));
    if (tf.getKernel('FpdbBatchNormTrain', 'wasm')) tf.unregisterKernel('FpdbBatchNormTrain', 'wasm');
  }
  // setupBackend registered the kernel; without it the ReLU gradients fall back to tfjs' own configs.
  if (s.reluChain && tf.getKernel('FpdbReluGrad', 'wasm')) tf.unregisterKernel('FpdbReluGrad', 'wasm');
  const n = s.batch * (warmup + steps);
  const images = tf.randomNormal([n, SIZE, SIZE, 1], 0, 1, 'float32', 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 5 + 1) % CLASSES);
  const source = arraySource({ images, labels, batchSize: s.batch, shuffle: false });
  const options = { model, epochs: 1, optimizer: 'adam', learningRate: 1e-3, ...(s.workers ? { workers: s.workers, workerBackend: s.backend } : {}) };
  const numTensors = tf.memory().numTensors;
  const wall = [performance.now()];
  const cpu = [process.cpuUsage()];
  const losses = [];
  // Main-thread busy time per step (event-loop utilisation: time not idle waiting for the workers).
  const elu = [perf.eventLoopUtilization()];
  const mainCpu = [mainThreadCpuMs()];
  const timelines = [];
  await train({
    ...options,
    train: source,
    onStepEnd: (l) => {
      wall.push(performance.now());
      cpu.push(process.cpuUsage());
      elu.push(perf.eventLoopUtilization());
      mainCpu.push(mainThreadCpuMs());
      losses.push(l.loss);
      if (l.timeline) timelines.push(l.timeline);
    },
  });
  const leaked = tf.memory().numTensors - numTensors;
  // process.cpuUsage counts every thread of the process: the workers' too.
  const msPerStep = wall
    .slice(1)
    .map((t, i) => t - wall[i])
    .slice(warmup);
  const cpuMsPerStep = cpu
    .slice(1)
    .map((c, i) => (c.user + c.system - cpu[i].user - cpu[i].system) / 1000)
    .slice(warmup);
  const mainMsPerStep = elu
    .slice(1)
    .map((e, i) => perf.eventLoopUtilization(e, elu[i]).active)
    .slice(warmup);
  const mainCpuMsPerStep =
    mainCpu[0] === undefined
      ? []
      : mainCpu
          .slice(1)
          .map((c, i) => c - mainCpu[i])
          .slice(warmup);
  // Per phase, the median over steps of the slowest worker's milliseconds (workers' own clocks).
  const phase = (key) => (timelines.length > warmup ? median(timelines.slice(warmup).map((t) => Math.max(...t.workers.map((w) => w[key])))) : undefined);
  const timeline = timelines.length > 0 ? Object.fromEntries(['computeMs', 'waitMs', 'reduceMs', 'updateMs'].map((k) => [k, round1(phase(k))])) : undefined;
  if (timeline) timeline.engineMainMs = round1(median(timelines.slice(warmup).map((t) => t.mainMs)));
  let profile;
  if (PROFILE && !s.workers) {
    // Kernels of one more train() step (in this thread only: workers' kernels are not seen).
    const one = tf.slice(images, 0, s.batch);
    const info = await tf.profile(() => train({ ...options, train: arraySource({ images: one, labels: labels.slice(0, s.batch), batchSize: s.batch }) }));
    one.dispose();
    const byKernel = {};
    for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + k.kernelTimeMs;
    profile = Object.fromEntries(
      Object.entries(byKernel)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round(v * 10) / 10]),
    );
  }
  images.dispose();
  model.dispose();
  if (!losses.every(Number.isFinite)) throw new Error(`${name}: non-finite training loss ${losses}`);
  const ms = median(msPerStep);
  log(
    `${name}: train() ${setup.backend}${s.workers ? ` × ${s.workers} workers` : ''} B=${s.batch} ms/step ${msPerStep.map((m) => m.toFixed(0)).join(' ')} → median ${ms.toFixed(0)}; ${((s.batch * 1000) / ms).toPrecision(3)} img/s; main thread busy ${median(mainMsPerStep).toFixed(1)} ms/step (CPU ${mainCpuMsPerStep.length ? median(mainCpuMsPerStep).toFixed(1) : '–'})${timeline ? `; slowest worker ${JSON.stringify(timeline)}` : ''}`,
  );
  if (profile) log(`${name} profile (ms, one step): ${JSON.stringify(profile)}`);
  return {
    msPerStep: ms,
    msPerStepMin: Math.min(...msPerStep),
    cpuMsPerImage: median(cpuMsPerStep) / s.batch,
    batch: s.batch,
    ...(s.workers ? { workers: s.workers } : {}),
    imagesPerSecond: (s.batch * 1000) / ms,
    mainMsPerStep: median(mainMsPerStep),
    ...(mainCpuMsPerStep.length ? { mainCpuMsPerStep: median(mainCpuMsPerStep) } : {}),
    ...(timeline ? { timeline } : {}),
    kernels: setup.kernels.length,
    relaxedSimd: setup.relaxedSimd,
    leakedTensors: leaked,
    ...(profile ? { profile } : {}),
    ...(s.steps === 1 && s.warmup === 0 ? { note: `one step at batch ${s.batch} without warm-up, extrapolated per image (a batch-${BATCH} step takes minutes)` } : {}),
  };
}

/** Runs one setup in a child node (a fresh tfjs engine; V8 flags are per process). */
function child(name, flags = [], extraEnv = {}) {
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv, BENCH_CHILD: name },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${name} (node ${flags.join(' ')}) failed with exit code ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function pytorch(threads) {
  const py = PYTHON;
  const probe = spawnSync(py, ['-c', `import torch${BIG ? ', torchvision' : ''}; print(torch.__version__)`], { encoding: 'utf8' });
  if (probe.status !== 0) return { missing: `no torch${BIG ? '/torchvision' : ''} for ${py}; apt-get install -y python3-torch${BIG ? ' python3-torchvision' : ''}` };
  const r = spawnSync(
    py,
    [here('./train_torch.py'), `--size=${SIZE}`, `--batch=${BATCH}`, `--steps=${Math.max(STEPS, 5)}`, `--warmup=${WARMUP}`, `--threads=${threads}`, `--classes=${CLASSES}`, `--net=${NET}`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return { missing: `train_torch.py failed: ${r.stderr.trim().split('\n').at(-1)}` };
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  out.msPerStepMin = Math.min(...out.msPerStepAll);
  log(`pytorch ${out.version}: ${out.threads} thread(s) B=${BATCH} median ${out.msPerStep.toFixed(0)} ms/step; ${out.imagesPerSecond.toFixed(1)} img/s; ${out.cpuMsPerImage.toFixed(2)} CPU ms/image`);
  return out;
}

if (process.env.BENCH_CHILD) {
  console.log(JSON.stringify(await runSetup(process.env.BENCH_CHILD)));
  process.exit(0);
}

// The cpu backend needs minutes per image on the preset networks: only when named.
const CHAINS = ['wasm1-missing', 'wasm1-chain', 'wasm1-relu-chain', 'wasm1-base'];
const want = (k) => (ONLY === undefined ? !CHAINS.includes(k) && !(BIG && k === 'cpu') : ONLY.has(k) || (k === PARALLEL && ONLY.has('wasm2')));
const details = {};
const SCALING = (WORKER_LIST ?? []).map((k) => `workers${k}`);
const wasmKeys = [...new Set(['wasm1', ...CHAINS, PARALLEL, ...SCALING])].filter((k) => SETUPS[k] && (want(k) || SCALING.includes(k)));
if (wasmKeys.length > 0) {
  log("— wasm, the package default: relaxed-SIMD (FMA) kernels (the package sets V8's flag on Node 20)");
  for (const k of wasmKeys) {
    if (SCALING.includes(k) && SETUPS[`${k}-base`]) details[`${k}-base`] = child(`${k}-base`);
    details[k] = child(k);
  }
  if (SIMD128) {
    log('— wasm, SIMD128 kernels: FPDB_WASM_RELAXED_SIMD=0');
    for (const k of wasmKeys.filter((k) => !CHAINS.includes(k))) details[`${k}Simd128`] = child(k, [], { FPDB_WASM_RELAXED_SIMD: '0' });
  }
}
if (want('cpu')) details.cpu = child('cpu');
let baselineMissing;
if (want('pytorch')) {
  // Same thread count as the data-parallel setup; one thread for the CPU-time comparison (with two
  // OpenMP threads, spin-waits count too).
  const threads = Math.max(1, WORKERS);
  const t = pytorch(threads);
  if (t.missing) baselineMissing = t.missing;
  else {
    details.pytorch = t;
    const t1 = threads === 1 ? t : pytorch(1);
    if (!t1.missing) details.pytorch1 = t1;
  }
  if (baselineMissing) log(`pytorch: missing (${baselineMissing}); fpdb figures only`);
} else baselineMissing = 'not run (BENCH_ONLY)';

const round = (x) => (x === undefined || x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(4)));
const ips = (k) => details[k]?.imagesPerSecond;
const torch = ips('pytorch');
const ratio = (...keys) => {
  const best = Math.max(...keys.map((k) => ips(k) ?? 0));
  return torch && best > 0 ? round(best / torch) : null;
};
const bestCpu = (...keys) => Math.min(...keys.map((k) => details[k]?.cpuMsPerImage ?? Infinity));
const torchCpu = details.pytorch1?.cpuMsPerImage;
const result = {
  bench: 'train',
  path: "train() from dist/ (createModel + arraySource; workers through train()'s own `workers` option)",
  net: NET,
  input: [SIZE, SIZE, 1],
  batch: BATCH,
  optimizer: 'adam',
  workers: WORKERS,
  cpus: os.cpus().length,
  node: process.version,
  baseline: details.pytorch ? `pytorch ${details.pytorch.version}, ${details.pytorch.threads} thread(s)` : 'missing',
  ...(baselineMissing ? { baselineMissing } : {}),
};
result.msPerStep = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Math.round(v.msPerStep)]));
// The fastest step of each setup: less sensitive than the median to other load on a shared machine.
result.msPerStepMin = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Math.round(v.msPerStepMin ?? v.msPerStep)]));
result.load = os.loadavg().map((l) => Math.round(l * 10) / 10);
// CPU time (all threads of the process) per image: what a step costs, nearly independent of other
// load. ratioToPytorchByCpuTime = pytorch's (one thread) / ours (best wasm setup).
result.cpuMsPerImage = Object.fromEntries(
  Object.entries(details)
    .filter(([, v]) => v.cpuMsPerImage)
    .map(([k, v]) => [k, round(v.cpuMsPerImage)]),
);
result.ratioToPytorchByCpuTime = torchCpu ? round(torchCpu / bestCpu('wasm1', PARALLEL)) : null;
result.leakedTensors = Object.fromEntries(
  Object.entries(details)
    .filter(([, v]) => v.leakedTensors !== undefined)
    .map(([k, v]) => [k, v.leakedTensors]),
);
if (SIMD128) {
  result.imagesPerSecondSimd128 = { wasm1: round(ips('wasm1Simd128')), [PARALLEL]: round(ips(`${PARALLEL}Simd128`)) };
  result.ratioToPytorchSimd128 = ratio('wasm1Simd128', `${PARALLEL}Simd128`);
}
result.notes = {
  cpu: details.cpu?.note,
  wasm: `wasm1/${PARALLEL}: the package default, relaxed-SIMD (FMA) kernels (the package sets V8's flag on Node 20; default from Node 22); *Simd128: FPDB_WASM_RELAXED_SIMD=0 (BENCH_SIMD128=1); wasm1-base: BENCH_BASE_DIST's build`,
  pytorch: details.pytorch ? `torch ${details.pytorch.version}, set_num_threads(${details.pytorch.threads}); pytorch1: set_num_threads(1)` : `missing: ${baselineMissing}`,
  ratioToPytorch: `max(wasm1, ${PARALLEL}) / pytorch`,
};
if (PROFILE)
  result.profile = Object.fromEntries(
    Object.entries(details)
      .filter(([, v]) => v.profile)
      .map(([k, v]) => [k, v.profile]),
  );
result.imagesPerSecond = Object.fromEntries(
  ['cpu', 'wasm1', ...CHAINS, PARALLEL, 'pytorch', 'pytorch1'].filter((k) => details[k] || ['cpu', 'wasm1', PARALLEL, 'pytorch'].includes(k)).map((k) => [k, round(ips(k))]),
);
result.ratioToPytorch = ratio('wasm1', PARALLEL);
result.mainMsPerStep = Object.fromEntries(
  Object.entries(details)
    .filter(([, v]) => v.mainMsPerStep !== undefined)
    .map(([k, v]) => [k, round(v.mainMsPerStep)]),
);
const BASE_NOTE = process.env.BENCH_BASE_DIST ? ' (base → this build)' : '';
if (WORKER_LIST) {
  // Weak scaling: BENCH_BATCH images per worker; speedup against train({ workers: 1 }).
  const one = ips(SCALING[0]);
  result.scaling = SCALING.filter((k) => details[k]).map((k) => ({
    workers: details[k].workers,
    batch: details[k].batch,
    imagesPerSecond: round(ips(k)),
    speedup: round(ips(k) / one),
    efficiency: round(ips(k) / one / (details[k].workers / details[SCALING[0]].workers)),
    mainMsPerStep: round(details[k].mainMsPerStep),
    mainCpuMsPerStep: round(details[k].mainCpuMsPerStep),
    ...(details[k].timeline ? { timeline: details[k].timeline } : {}),
    ...(details[`${k}-base`]
      ? { base: { imagesPerSecond: round(ips(`${k}-base`)), mainMsPerStep: round(details[`${k}-base`].mainMsPerStep), mainCpuMsPerStep: round(details[`${k}-base`].mainCpuMsPerStep) } }
      : {}),
  }));
  log(`workers | batch | img/s${BASE_NOTE} | speedup | main ms/step busy (CPU)${BASE_NOTE} | slowest worker compute / wait / reduce / update ms`);
  const was = (r, key) => (r.base ? `${r.base[key]} → ` : '');
  for (const r of result.scaling)
    log(
      `${r.workers} | ${r.batch} | ${was(r, 'imagesPerSecond')}${r.imagesPerSecond} | ${r.speedup} | ${r.base ? `${r.base.mainMsPerStep} (${r.base.mainCpuMsPerStep}) → ` : ''}${r.mainMsPerStep} (${r.mainCpuMsPerStep}) | ${r.timeline ? [r.timeline.computeMs, r.timeline.waitMs, r.timeline.reduceMs, r.timeline.updateMs].join(' / ') : '–'}`,
    );
}
console.log(JSON.stringify(result));
