// pnpm bench:synth — generation speed of @fpdb/synth (built dist) and how learnable its images are.
// Last stdout line: one JSON object. Python peer (PyTorch CNN) is used when /usr/bin/python3 has torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { generateDataset } from '../dist/node.js';

const PLANES = ['Fetal abdomen', 'Fetal brain', 'Fetal femur', 'Fetal thorax', 'Maternal cervix', 'Other'];
const BRAIN = ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular'];
const SPEED_IMAGES = Number(process.env.SYNTH_BENCH_IMAGES ?? 1000);
const LEARN_IMAGES = Number(process.env.SYNTH_BENCH_LEARN_IMAGES ?? 4000); // 0 skips learnability
const SIDE = 64;
const log = (...a) => console.error('[bench:synth]', ...a);
const root = mkdtempSync(join(tmpdir(), 'fpdb-bench-synth-'));

/** `uptime`'s load averages (1, 5, 15 min): the machine may be shared, so wall time alone says little. */
function load() {
  const r = spawnSync('uptime', { encoding: 'utf8' });
  return { loadavg: loadavg().map((v) => +v.toFixed(2)), uptime: r.status === 0 ? r.stdout.trim() : null };
}

async function timeGeneration(name, options) {
  const outDir = join(root, name);
  const before = load();
  const cpu0 = process.cpuUsage(); // the whole process: main thread and worker threads
  const t = performance.now();
  const r = await generateDataset({ outDir, seed: 1, ...options });
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = load();
  rmSync(outDir, { recursive: true, force: true });
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const out = {
    images: r.images,
    seconds: +seconds.toFixed(2),
    imagesPerSecond: +(r.images / seconds).toFixed(1),
    cpuSeconds: +cpuSeconds.toFixed(2),
    cpuMsPerImage: +((1000 * cpuSeconds) / r.images).toFixed(1),
    meanPngKB: +(r.bytes / r.images / 1024).toFixed(1),
    workers: options.workers ?? Math.min(8, availableParallelism()),
    loadBefore: before.loadavg,
    loadAfter: after.loadavg,
  };
  log(name, JSON.stringify(out), '| before:', before.uptime, '| after:', after.uptime);
  return out;
}

// ---- learnability: a multinomial logistic regression in plain JS, and a small CNN in PyTorch ----
function macroF1(pred, truth, k) {
  let f = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (let i = 0; i < pred.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    f += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return f / k;
}

/** 64×64 → 32×32 mean pooling, standardised with the training set's mean and std per feature. */
function features(images, idx) {
  const d = (SIDE / 2) ** 2;
  const x = new Float32Array(idx.length * d);
  idx.forEach((i, n) => {
    const img = images[i];
    for (let y = 0; y < SIDE / 2; y++)
      for (let xx = 0; xx < SIDE / 2; xx++) {
        const p = 2 * y * SIDE + 2 * xx;
        x[n * d + y * (SIDE / 2) + xx] = (img[p] + img[p + 1] + img[p + SIDE] + img[p + SIDE + 1]) / (4 * 255);
      }
  });
  return { x, d };
}

function logisticRegression(train, trainY, test, k, epochs = 60) {
  const { x, d } = train;
  const n = trainY.length;
  const mean = new Float32Array(d),
    std = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-3;
  const norm = (arr, m) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) arr[i * d + j] = (arr[i * d + j] - mean[j]) / std[j];
  };
  norm(x, n);
  norm(test.x, test.x.length / d);
  const w = new Float32Array(k * (d + 1));
  const mW = new Float32Array(w.length),
    vW = new Float32Array(w.length);
  const lr = 0.003,
    l2 = 1e-3,
    batch = 64;
  let step = 0;
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const logits = new Float32Array(k);
  for (let e = 0; e < epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b = 0; b < n; b += batch) {
      const g = new Float32Array(w.length);
      const end = Math.min(n, b + batch);
      for (let t = b; t < end; t++) {
        const i = order[t],
          o = i * d;
        let mx = -Infinity;
        for (let c = 0; c < k; c++) {
          let s = w[c * (d + 1) + d];
          for (let j = 0; j < d; j++) s += w[c * (d + 1) + j] * x[o + j];
          logits[c] = s;
          mx = Math.max(mx, s);
        }
        let z = 0;
        for (let c = 0; c < k; c++) {
          logits[c] = Math.exp(logits[c] - mx);
          z += logits[c];
        }
        for (let c = 0; c < k; c++) {
          const gc = logits[c] / z - (trainY[i] === c ? 1 : 0);
          for (let j = 0; j < d; j++) g[c * (d + 1) + j] += gc * x[o + j];
          g[c * (d + 1) + d] += gc;
        }
      }
      step++;
      for (let p = 0; p < w.length; p++) {
        const gp = g[p] / (end - b) + l2 * w[p];
        mW[p] = 0.9 * mW[p] + 0.1 * gp;
        vW[p] = 0.999 * vW[p] + 0.001 * gp * gp;
        w[p] -= (lr * (mW[p] / (1 - 0.9 ** step))) / (Math.sqrt(vW[p] / (1 - 0.999 ** step)) + 1e-8);
      }
    }
  }
  const m = test.x.length / d;
  const pred = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0,
      bestS = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = w[c * (d + 1) + d];
      for (let j = 0; j < d; j++) s += w[c * (d + 1) + j] * test.x[i * d + j];
      if (s > bestS) {
        bestS = s;
        best = c;
      }
    }
    pred[i] = best;
  }
  return pred;
}

function score(pred, truth, k) {
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) ok++;
  return { accuracy: +(ok / pred.length).toFixed(3), macroF1: +macroF1(pred, truth, k).toFixed(3) };
}

function torchPeer(images, labels, trainIdx, testIdx, k, name, epochs) {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const dir = join(root, `torch-${name}`);
  spawnSync('mkdir', ['-p', dir]);
  const pack = (idx) => {
    const buf = Buffer.alloc(idx.length * SIDE * SIDE);
    idx.forEach((i, n) => buf.set(images[i], n * SIDE * SIDE));
    return buf;
  };
  writeFileSync(join(dir, 'train.u8'), pack(trainIdx));
  writeFileSync(join(dir, 'test.u8'), pack(testIdx));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ side: SIDE, classes: k, trainY: trainIdx.map((i) => labels[i]), testY: testIdx.map((i) => labels[i]), epochs }));
  const script = fileURLToPath(new URL('./learnability_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log('torch peer failed:', r.stderr.slice(-500));
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  const pred = out.pred;
  return {
    ...score(
      pred,
      testIdx.map((i) => labels[i]),
      k,
    ),
    epochs: out.epochs,
    seconds: out.seconds,
  };
}

async function learnability() {
  const outDir = join(root, 'learn');
  await generateDataset({ outDir, images: LEARN_IMAGES, seed: 2, size: { width: SIDE, height: SIDE } });
  const csv = readFileSync(join(outDir, 'FETAL_PLANES_DB_data.csv'), 'latin1')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(';'));
  const images = [];
  for (const row of csv)
    images.push(
      await sharp(join(outDir, 'Images', `${row[0]}.png`))
        .extractChannel(0)
        .raw()
        .toBuffer(),
    );
  const split = csv.map((r) => (r[6].trim() === '1' ? 'train' : 'test'));
  const result = {};
  // The CNN gets the same number of optimiser steps on both tasks: 8 epochs of the planes' training set.
  let planeImagesSeen = 0;
  for (const [task, classes, labelOf] of [
    ['planes', PLANES, (r) => PLANES.indexOf(r[2])],
    ['brain', BRAIN, (r) => BRAIN.indexOf(r[3])],
  ]) {
    const labels = csv.map(labelOf);
    const trainIdx = [],
      testIdx = [];
    csv.forEach((_, i) => {
      if (labels[i] >= 0) (split[i] === 'train' ? trainIdx : testIdx).push(i);
    });
    const testY = testIdx.map((i) => labels[i]);
    const counts = classes.map((_, c) => testY.filter((y) => y === c).length);
    const t = performance.now();
    const pred = logisticRegression(
      features(images, trainIdx),
      trainIdx.map((i) => labels[i]),
      features(images, testIdx),
      classes.length,
    );
    const logreg = { ...score(pred, testY, classes.length), seconds: +((performance.now() - t) / 1000).toFixed(1) };
    log(task, 'logreg', JSON.stringify(logreg));
    if (task === 'planes') planeImagesSeen = 8 * trainIdx.length;
    const cnn = torchPeer(images, labels, trainIdx, testIdx, classes.length, task, Math.max(8, Math.round(planeImagesSeen / trainIdx.length)));
    log(task, 'cnn', JSON.stringify(cnn));
    result[task] = {
      classes: classes.length,
      trainImages: trainIdx.length,
      testImages: testIdx.length,
      chance: +(1 / classes.length).toFixed(3),
      majority: +(Math.max(...counts) / testY.length).toFixed(3),
      logisticRegression32: logreg,
      cnn64: cnn,
    };
  }
  rmSync(outDir, { recursive: true, force: true });
  return { images: LEARN_IMAGES, side: SIDE, split: 'synthetic official (patient-disjoint)', ...result };
}

try {
  const realSize = await timeGeneration('real-size', { images: SPEED_IMAGES });
  const small = await timeGeneration('128x128', { images: SPEED_IMAGES, size: { width: 128, height: 128 } });
  const single = await timeGeneration('real-size-1-thread', { images: Math.max(50, Math.round(SPEED_IMAGES / 5)), workers: 0 });
  const learn = LEARN_IMAGES > 0 ? await learnability() : null;
  const cores = availableParallelism();
  const result = {
    bench: 'synth',
    cores,
    generation: {
      realSize,
      size128: small,
      realSizeInProcess: single,
      workerSpeedup: +(realSize.imagesPerSecond / single.imagesPerSecond).toFixed(2),
      target: '1000 real-size images < 60 s on 2 cores',
      targetMet: SPEED_IMAGES >= 1000 ? realSize.seconds < 60 : null,
      // What an otherwise idle machine would take: the CPU time spread over min(cores, workers) threads.
      idleEstimateSeconds: +((realSize.cpuSeconds / Math.min(cores, realSize.workers)) * (1000 / realSize.images)).toFixed(1),
    },
    learnability: learn,
  };
  console.log(JSON.stringify(result));
} finally {
  rmSync(root, { recursive: true, force: true });
}
