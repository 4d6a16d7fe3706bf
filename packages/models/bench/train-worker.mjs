// One training process for bench/train.mjs, run as a worker_thread with its own tfjs engine.
// Messages in: {cmd:'init', backend, kernels, batch, size, seed} → {ready}
//   {cmd:'grads', step}  → {grads: {name: Float32Array}, ms}     (data-parallel half step)
//   {cmd:'apply', grads} → {applied}                             (Adam with the averaged gradients)
//   {cmd:'train', steps, warmup, profile} → {msPerStep[], cpuMsPerStep[], profile} (single-worker steps)
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../dist/index.js';
import { createParams, loss, syntheticBatch } from './reference-cnn.mjs';

let params;
let optimizer;
let config;

function batchFor(step) {
  return syntheticBatch(config.batch, config.size, config.seed * 1000 + step);
}

function computeGrads(step) {
  const { x, labels } = batchFor(step);
  const { value, grads } = tf.variableGrads(() => loss(params, x, labels), Object.values(params));
  value.dispose();
  x.dispose();
  labels.dispose();
  return grads;
}

function trainStep(step) {
  const grads = computeGrads(step);
  optimizer.applyGradients(grads);
  Object.values(grads).forEach((g) => g.dispose());
}

async function profileStep(step) {
  const info = await tf.profile(() => {
    trainStep(step);
  });
  const byKernel = {};
  for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + k.kernelTimeMs;
  return Object.fromEntries(Object.entries(byKernel).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.cmd === 'init') {
      config = msg;
      const setup = await setupBackend({ backend: msg.backend, wasmKernels: msg.kernels ?? 'all' });
      params = createParams(1);
      optimizer = tf.train.adam(1e-3);
      parentPort.postMessage({ ready: true, setup });
    } else if (msg.cmd === 'grads') {
      const t0 = performance.now();
      const grads = computeGrads(msg.step);
      const out = {};
      for (const [name, g] of Object.entries(grads)) {
        out[name] = g.dataSync().slice();
        g.dispose();
      }
      parentPort.postMessage({ grads: out, ms: performance.now() - t0 });
    } else if (msg.cmd === 'apply') {
      const grads = {};
      for (const [name, values] of Object.entries(msg.grads)) grads[name] = tf.tensor(values, params[name].shape);
      optimizer.applyGradients(grads);
      Object.values(grads).forEach((g) => g.dispose());
      // Reading one value makes the step finish before we answer.
      params['dense.bias'].dataSync();
      parentPort.postMessage({ applied: true });
    } else if (msg.cmd === 'train') {
      for (let s = 0; s < msg.warmup; s += 1) trainStep(s);
      const msPerStep = [];
      const cpuMsPerStep = [];
      for (let s = 0; s < msg.steps; s += 1) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        trainStep(msg.warmup + s);
        params['dense.bias'].dataSync();
        const c = process.cpuUsage(c0);
        msPerStep.push(performance.now() - t0);
        cpuMsPerStep.push((c.user + c.system) / 1000);
      }
      const profile = msg.profile ? await profileStep(msg.warmup + msg.steps) : undefined;
      parentPort.postMessage({ msPerStep, cpuMsPerStep, profile, numTensors: tf.memory().numTensors });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
