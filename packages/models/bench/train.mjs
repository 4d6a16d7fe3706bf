// `pnpm bench:train`: training images/s of the reference CNN (128×128×1, batch 32, Adam) on the cpu
// backend, on wasm with our kernels in one worker (wasm1) and data-parallel over two workers
// (wasm2, batch 16 each, gradients averaged every step), and PyTorch on the same machine when
// /usr/bin/python3 has torch. The last stdout line is one JSON object.
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']));
const SIZE = Number(args.get('size') ?? 128);
const BATCH = Number(args.get('batch') ?? 32);
const STEPS = Number(args.get('steps') ?? 5);
const WARMUP = Number(args.get('warmup') ?? 2);
const CPU_BATCH = Number(args.get('cpu-batch') ?? 2);
const only = args.has('only') ? new Set(args.get('only').split(',')) : undefined;
const log = (...a) => console.error(...a);

function startWorker(init) {
  const worker = new Worker(here('./train-worker.mjs'));
  const pending = [];
  worker.on('message', (m) => pending.shift()?.(m));
  worker.on('error', (e) => { log('worker error', e); process.exit(1); });
  const ask = (msg) =>
    new Promise((resolve, reject) => {
      pending.push((m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      worker.postMessage(msg);
    });
  return { worker, ask, ready: ask({ cmd: 'init', ...init }) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function single(name, backend, batch, { steps = STEPS, warmup = WARMUP, profile = false, kernels = 'all' } = {}) {
  const w = startWorker({ backend, batch, size: SIZE, seed: 1, kernels });
  const { setup } = await w.ready;
  const r = await w.ask({ cmd: 'train', steps, warmup, profile });
  await w.worker.terminate();
  const ms = median(r.msPerStep);
  log(`${name}: ${setup.backend} B=${batch} ms/step ${r.msPerStep.map((m) => m.toFixed(0)).join(' ')} → median ${ms.toFixed(0)}; ${(batch * 1000 / ms).toPrecision(3)} img/s`);
  if (r.profile) log(`${name} profile (ms, one step): ${JSON.stringify(r.profile)}`);
  return { msPerStep: Math.round(ms), msPerStepMin: Math.round(Math.min(...r.msPerStep)), cpuMsPerImage: median(r.cpuMsPerStep) / batch, batch, imagesPerSecond: (batch * 1000) / ms, profile: r.profile, kernels: setup.kernels, relaxedSimd: setup.relaxedSimd };
}

async function dataParallel(name, workers) {
  const shard = BATCH / workers;
  const ws = Array.from({ length: workers }, (_, i) => startWorker({ backend: 'wasm', batch: shard, size: SIZE, seed: 1 + i }));
  await Promise.all(ws.map((w) => w.ready));
  const times = [];
  const cpuTimes = [];
  for (let step = 0; step < WARMUP + STEPS; step += 1) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const parts = await Promise.all(ws.map((w) => w.ask({ cmd: 'grads', step })));
    const avg = {};
    for (const key of Object.keys(parts[0].grads)) {
      const sum = new Float32Array(parts[0].grads[key].length);
      for (const p of parts) { const g = p.grads[key]; for (let i = 0; i < sum.length; i += 1) sum[i] += g[i]; }
      for (let i = 0; i < sum.length; i += 1) sum[i] /= workers;
      avg[key] = sum;
    }
    await Promise.all(ws.map((w) => w.ask({ cmd: 'apply', grads: avg })));
    const c = process.cpuUsage(c0);
    if (step >= WARMUP) {
      times.push(performance.now() - t0);
      cpuTimes.push((c.user + c.system) / 1000);
    }
  }
  await Promise.all(ws.map((w) => w.worker.terminate()));
  const ms = median(times);
  log(`${name}: ${workers} workers × B=${shard} ms/step ${times.map((m) => m.toFixed(0)).join(' ')} → median ${ms.toFixed(0)}; ${(BATCH * 1000 / ms).toFixed(1)} img/s`);
  return { msPerStep: Math.round(ms), msPerStepMin: Math.round(Math.min(...times)), cpuMsPerImage: median(cpuTimes) / BATCH, batch: BATCH, workers, imagesPerSecond: (BATCH * 1000) / ms };
}

function pytorch(threads) {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) { log('pytorch: skipped (no torch for /usr/bin/python3)'); return undefined; }
  const r = spawnSync(py, [here('./train_torch.py'), `--size=${SIZE}`, `--batch=${BATCH}`, `--steps=${Math.max(STEPS, 5)}`, `--warmup=${WARMUP}`, `--threads=${threads}`], { encoding: 'utf8' });
  if (r.status !== 0) { log('pytorch failed', r.stderr); return undefined; }
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  out.msPerStepMin = Math.min(...out.msPerStepAll);
  log(`pytorch ${out.version}: ${out.threads} thread(s) B=${BATCH} median ${out.msPerStep.toFixed(0)} ms/step; ${out.imagesPerSecond.toFixed(1)} img/s; ${out.cpuMsPerImage.toFixed(2)} CPU ms/image`);
  return out;
}

const want = (k) => only === undefined || only.has(k);
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/** Runs the wasm setups in a child node (V8 flags are per process), returns its details. */
function wasmChild(flags, keys) {
  const passOn = process.argv.slice(2).filter((a) => !a.startsWith('--only'));
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), `--only=${keys.join(',')}`, '--child', ...passOn], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`wasm child ${flags.join(' ')} failed with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)).details;
}

const details = {};
if (args.has('child')) {
  if (want('wasm1')) details.wasm1 = await single('wasm1', 'wasm', BATCH, { profile: args.has('profile') });
  if (want('wasm1-missing')) details['wasm1-missing'] = await single('wasm1-missing', 'wasm', BATCH, { profile: args.has('profile'), kernels: 'missing' });
  if (want('wasm2')) details.wasm2 = await dataParallel('wasm2', 2);
  console.log(JSON.stringify({ details }));
  process.exit(0);
}

// wasm1-missing (the backend's own kernels: minutes per run) only when asked for by --only.
const wasmKeys = ['wasm1', 'wasm1-missing', 'wasm2'].filter((k) => (k === 'wasm1-missing' ? only?.has(k) === true : want(k)));
if (wasmKeys.length > 0) {
  log('— wasm, SIMD128 kernels (Node 20 default)');
  Object.assign(details, wasmChild([], wasmKeys));
  if (!args.has('no-relaxed')) {
    log(`— wasm, relaxed-SIMD (FMA) kernels: node ${RELAXED_FLAG}`);
    for (const [k, v] of Object.entries(wasmChild([RELAXED_FLAG], wasmKeys.filter((k) => k !== 'wasm1-missing')))) details[`${k}Fma`] = v;
  }
}
if (want('cpu')) {
  details.cpu = await single('cpu', 'cpu', CPU_BATCH, { steps: 1, warmup: 0 });
  details.cpu.note = `one step at batch ${CPU_BATCH}, extrapolated per image (a batch-32 step takes minutes)`;
}
if (want('pytorch')) {
  const t = pytorch(2);
  if (t) details.pytorch = t;
  // One thread: its CPU time is the compute cost (two OpenMP threads also count their spin-waits).
  const t1 = t ? pytorch(1) : undefined;
  if (t1) details.pytorch1 = t1;
}

const round = (x) => (x === undefined ? null : Number(x.toPrecision(4)));
const ips = (k) => details[k]?.imagesPerSecond;
const torch = ips('pytorch');
const ratio = (...keys) => (torch ? round(Math.max(...keys.map((k) => ips(k) ?? 0)) / torch) : null);
const result = { bench: 'train', net: 'reference-cnn', input: [SIZE, SIZE, 1], batch: BATCH, optimizer: 'adam', cpus: os.cpus().length, node: process.version };
result.msPerStep = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Math.round(v.msPerStep)]));
// The fastest step of each setup: less sensitive than the median to other load on a shared machine.
result.msPerStepMin = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Math.round(v.msPerStepMin ?? v.msPerStep)]));
result.load = os.loadavg().map((l) => Math.round(l * 10) / 10);
// CPU time (all threads of the process) per image: what a step costs, nearly independent of other
// load on a shared machine. ratioToPytorchByCpuTime = pytorch's (one thread) / ours (best wasm setup).
result.cpuMsPerImage = Object.fromEntries(Object.entries(details).filter(([, v]) => v.cpuMsPerImage).map(([k, v]) => [k, round(v.cpuMsPerImage)]));
const bestCpu = (...keys) => Math.min(...keys.map((k) => details[k]?.cpuMsPerImage ?? Infinity));
const torchCpu = details.pytorch1?.cpuMsPerImage;
result.ratioToPytorchByCpuTime = torchCpu ? round(torchCpu / bestCpu('wasm1', 'wasm2')) : null;
result.ratioToPytorchByCpuTimeFma = torchCpu && details.wasm1Fma ? round(torchCpu / bestCpu('wasm1Fma', 'wasm2Fma')) : null;
result.imagesPerSecondFma = { wasm1: round(ips('wasm1Fma')), wasm2: round(ips('wasm2Fma')) };
result.ratioToPytorchFma = ratio('wasm1Fma', 'wasm2Fma');
result.notes = {
  cpu: details.cpu?.note,
  wasm: `wasm1/wasm2: SIMD128 kernels (what Node 20 runs by default); *Fma: the relaxed-SIMD build, node ${RELAXED_FLAG} (default from Node 22)`,
  pytorch: details.pytorch ? `torch ${details.pytorch.version}, set_num_threads(${details.pytorch.threads})` : 'not installed: skipped',
  ratioToPytorch: 'max(wasm1, wasm2) / pytorch',
};
if (args.has('profile')) result.profile = Object.fromEntries(Object.entries(details).filter(([, v]) => v.profile).map(([k, v]) => [k, v.profile]));
result.imagesPerSecond = Object.fromEntries(['cpu', 'wasm1', 'wasm2', 'pytorch'].map((k) => [k, round(ips(k))]));
result.ratioToPytorch = ratio('wasm1', 'wasm2');
console.log(JSON.stringify(result));
