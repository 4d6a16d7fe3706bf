// Per-kernel timing of the training kernels on ResNet-18 / MobileNetV2 shapes at 224², batch 8: CPU ms
// (process.cpuUsage, this thread) and GFLOP/s of one kernel call (synchronous on wasm; no read-back), median of BENCH_REPS (5), after one
// warm-up. `node bench/layers.mjs [dist]` (dist: another build, e.g. .bench-base, for an A/B).
// BENCH_LAYERS=conv|depthwise|resnet18|all (all: conv and depthwise; resnet18: every ResNet-18 conv shape, forward too), BENCH_BATCH (8). One JSON line per layer on stdout.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.argv[2] ? pathToFileURL(resolve(process.argv[2], 'index.js')).href : '../dist/index.js';
const tf = await import('@tensorflow/tfjs-core');
const { setupBackend } = await import(dist);
await setupBackend({ backend: 'wasm' });
const B = Number(process.env.BENCH_BATCH ?? 8);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const which = process.env.BENCH_LAYERS ?? 'all';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** [name, kernel, H (input), C in, C out / multiplier, k, stride] */
const LAYERS = [
  ['resnet layer2.0 conv1 3x3 s2', 'conv', 56, 64, 128, 3, 2],
  ['resnet layer3.0 conv1 3x3 s2', 'conv', 28, 128, 256, 3, 2],
  ['resnet layer4.0 conv1 3x3 s2', 'conv', 14, 256, 512, 3, 2],
  ['resnet layer2.0 downsample 1x1 s2', 'conv', 56, 64, 128, 1, 2],
  ['resnet layer2 3x3 s1', 'conv', 28, 128, 128, 3, 1],
  ['resnet stem 7x7 s2', 'resnet18', 224, 1, 64, 7, 2],
  ['resnet layer1 3x3 s1', 'resnet18', 56, 64, 64, 3, 1],
  ['resnet layer2.0 conv1 3x3 s2', 'resnet18', 56, 64, 128, 3, 2],
  ['resnet layer2.0 downsample 1x1 s2', 'resnet18', 56, 64, 128, 1, 2],
  ['resnet layer2 3x3 s1', 'resnet18', 28, 128, 128, 3, 1],
  ['resnet layer3.0 conv1 3x3 s2', 'resnet18', 28, 128, 256, 3, 2],
  ['resnet layer3.0 downsample 1x1 s2', 'resnet18', 28, 128, 256, 1, 2],
  ['resnet layer3 3x3 s1', 'resnet18', 14, 256, 256, 3, 1],
  ['resnet layer4.0 conv1 3x3 s2', 'resnet18', 14, 256, 512, 3, 2],
  ['resnet layer4.0 downsample 1x1 s2', 'resnet18', 14, 256, 512, 1, 2],
  ['resnet layer4 3x3 s1', 'resnet18', 7, 512, 512, 3, 1],
  ['mobilenetv2 dw 112 C96 s2', 'depthwise', 112, 96, 1, 3, 2],
  ['mobilenetv2 dw 112 C32 s1', 'depthwise', 112, 32, 1, 3, 1],
  ['mobilenetv2 dw 56 C144 s1', 'depthwise', 56, 144, 1, 3, 1],
  ['mobilenetv2 dw 28 C192 s1', 'depthwise', 28, 192, 1, 3, 1],
  ['mobilenetv2 dw 14 C576 s1', 'depthwise', 14, 576, 1, 3, 1],
  ['mobilenetv2 dw 7 C960 s1', 'depthwise', 7, 960, 1, 3, 1],
];

function time(fn) {
  fn().dispose();
  const ms = [];
  for (let r = 0; r < REPS; r += 1) {
    const t0 = process.cpuUsage();
    const out = fn();
    const t1 = process.cpuUsage(t0);
    out.dispose();
    ms.push((t1.user + t1.system) / 1000);
  }
  return median(ms);
}

for (const [name, kind, H, ci, co, k, s] of LAYERS) {
  if (which === 'all' ? kind === 'resnet18' : which !== kind) continue;
  const x = tf.randomNormal([B, H, H, ci]);
  const depthwise = kind === 'depthwise';
  const w = tf.randomNormal([k, k, ci, co]);
  const y = depthwise ? tf.depthwiseConv2d(x, w, s, 'same') : tf.conv2d(x, w, s, 'same');
  const dy = tf.randomNormal(y.shape);
  const [Ho, Wo] = y.shape.slice(1, 3);
  const macs = B * Ho * Wo * k * k * (depthwise ? ci * co : ci * co);
  const gf = (ms) => Number(((2 * macs) / ms / 1e6).toFixed(1));
  const attrs = { strides: [s, s], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
  const input = time(() => tf.engine().runKernel(depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }));
  const forward = depthwise ? undefined : time(() => tf.engine().runKernel('Conv2D', { x, filter: w }, attrs));
  const filter = time(() => tf.engine().runKernel(depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }));
  console.log(
    JSON.stringify({
      layer: name,
      batch: B,
      ...(forward === undefined ? {} : { forwardMs: forward, forwardGflops: gf(forward) }),
      backpropInputMs: input,
      backpropInputGflops: gf(input),
      backpropFilterMs: filter,
      backpropFilterGflops: gf(filter),
    }),
  );
  tf.dispose([x, w, y, dy]);
}
